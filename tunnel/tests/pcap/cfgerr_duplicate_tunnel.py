"""A second `tunnel add` with an existing name is refused (Linux: 'File exists')."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
# same name, different remote
tunnel add tun1 mode ipip remote 10.65.132.189 local 10.65.132.187
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:5: .*tun1"
