"""Only ipip, sit and any are tunnel modes."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add gre1 mode gre remote 10.65.132.188 local 10.65.132.187
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:2: .*gre"
