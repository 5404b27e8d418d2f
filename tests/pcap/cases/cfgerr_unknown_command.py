"""An unknown command word is refused and named."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
# next line is not a command
frobnicate port0 fast
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:3: .*frobnicate"
