"""An address on a port that was not given to EAL (only port0 and port1 exist) is refused."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port7
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:2: .*port7"
