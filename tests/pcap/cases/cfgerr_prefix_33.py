"""An IPv4 prefix length above 32 is refused."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
route add 192.0.2.0/33 via 10.65.132.1 dev port0
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:3: .*33"
