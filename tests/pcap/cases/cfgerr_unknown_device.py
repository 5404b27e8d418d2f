"""A route through a device that does not exist is refused (tun9 was never created)."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
route add 10.10.200.0/24 dev tun9
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:3: .*tun9"
