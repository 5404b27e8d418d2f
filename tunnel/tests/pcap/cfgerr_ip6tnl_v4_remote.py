"""An ip6tnl mode needs IPv6 endpoints: an IPv4 remote is refused at its line, naming it."""

CONFIG = """\
addr add 2001:db8:65::187/64 dev port0
tunnel add t6 mode ip6ip6 remote 10.65.132.188 local 2001:db8:65::187
"""
EXPECT_CONFIG_ERROR = r'/gw\.conf:2: .*remote "10\.65\.132\.188" is IPv4: mode ip6ip6 is over IPv6'
