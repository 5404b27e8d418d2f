"""--spread_ring (each worker's inbound ring) must be 64..1048576: 10 makes gatewayd refuse to
start (exit status non-zero, nothing sent) with one line on stderr naming the flag and its range.
"""
from lib import *

CONFIG = PORT_ADDRS
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread_ring=10"]
EXPECT_CONFIG_ERROR = r"^gatewayd: --spread_ring must be 64\.\.1048576$"
send = one_frame_to_lan       # (never sent: gatewayd refuses to start)
