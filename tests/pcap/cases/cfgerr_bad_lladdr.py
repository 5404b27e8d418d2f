"""A neighbour MAC with five bytes is refused."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
neigh add 10.65.132.1 lladdr 52:54:00:00:00 dev port0
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:2: .*52:54:00:00:00"
