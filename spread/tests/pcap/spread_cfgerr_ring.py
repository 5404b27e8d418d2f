"""--spread_ring (each worker's inbound ring) must be 64..1048576: 10 makes gatewayd refuse to
start (exit status non-zero, nothing sent) with one line on stderr naming the flag and its range.
"""
from lib import *

CONFIG = f"""\
addr add {GW}/24 dev port0
addr add {GW_LAN}/24 dev port1
"""
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread_ring=10"]
EXPECT_CONFIG_ERROR = r"^gatewayd: --spread_ring must be 64\.\.1048576$"


def send():
    return [(0, to_gw(0, UL_ROUTER_MAC, udp4("192.0.2.5", HOST)))]
