"""A malformed address is refused: gatewayd exits non-zero before forwarding and names the file,
the line (comments and blank lines count) and the bad token."""

CONFIG = """\
# underlay
addr add 10.65.132.187/24 dev port0

addr add 10.0.0.300/24 dev port1
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:4: .*10\.0\.0\.300"
