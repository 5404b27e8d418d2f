"""An IPv6 prefix length above 128 is refused."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 2001:db8:100::1/129 dev port1
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:2: .*129"
