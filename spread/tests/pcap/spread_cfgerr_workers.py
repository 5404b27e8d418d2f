"""--workers=N asks for more worker lcores than EAL gave: gatewayd refuses to start (exit status
non-zero, nothing sent) and says so in one line on stderr naming the flag, the number asked
for and the number EAL gave (here 2: LCORES has the main lcore and two workers).
"""
from lib import *

CONFIG = PORT_ADDRS
PORTS = 2
LCORES = "0@0,1@1,2@1"
TX_QUEUES = 2
EXTRA_ARGS = ["--workers=5"]
EXPECT_CONFIG_ERROR = r"^gatewayd: --workers=5 but EAL gave 2 worker lcore\(s\)"
send = one_frame_to_lan       # (never sent: gatewayd refuses to start)
