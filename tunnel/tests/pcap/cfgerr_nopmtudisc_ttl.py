"""`nopmtudisc` requires `ttl inherit` (as iproute2/Linux refuse it with a fixed TTL)."""

CONFIG = """\
addr add 10.65.132.187/24 dev port0
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187 ttl 64 nopmtudisc
"""
EXPECT_CONFIG_ERROR = r"/gw\.conf:2: .*(nopmtudisc|ttl)"
