"""--spread takes auto, tunnel, all or off: any other word makes gatewayd refuse to start (exit
status non-zero, nothing sent) with one line on stderr naming the flag and its values.
"""
from lib import *

CONFIG = PORT_ADDRS
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--spread=bogus"]
EXPECT_CONFIG_ERROR = r"^gatewayd: --spread must be auto, tunnel, all or off$"
send = one_frame_to_lan       # (never sent: gatewayd refuses to start)
