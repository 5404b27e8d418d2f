#!/usr/bin/python3
"""Traffic for the demo on conf/gateway.conf: writes DIR/in0.pcap (underlay) and DIR/in1.pcap (LAN).

hostA (10.10.100.2, behind port1) pings hostB (10.10.200.2) and node 2's tunnel address
10.10.200.10; node 2 (10.65.132.188) answers through the tunnel on port0. Two packets are there
to be dropped: one with TTL 1, one to a destination with no route.
"""
import sys

from scapy.all import ICMP, IP, Ether, Raw, wrpcap

GW_UNDERLAY = "02:70:63:61:70:00"  # net_pcap port0
GW_LAN = "02:70:63:61:70:01"       # net_pcap port1
HOST_A = "52:54:00:0a:64:02"
NODE2 = "52:54:00:41:84:bc"
PAYLOAD = Raw(bytes(range(56)))  # ping's 56 data bytes: "length 64" in tcpdump

d = sys.argv[1]
lan = []
underlay = []
for seq in range(1, 4):
    lan.append(Ether(src=HOST_A, dst=GW_LAN) /
               IP(src="10.10.100.2", dst="10.10.200.2", id=seq) / ICMP(id=17609, seq=seq) / PAYLOAD)
    underlay.append(Ether(src=NODE2, dst=GW_UNDERLAY) /
                    IP(src="10.65.132.188", dst="10.65.132.187") /
                    IP(src="10.10.200.2", dst="10.10.100.2", ttl=63, id=100 + seq) /
                    ICMP(type=0, id=17609, seq=seq) / PAYLOAD)
lan.append(Ether(src=HOST_A, dst=GW_LAN) /
           IP(src="10.10.100.2", dst="10.10.200.10") / ICMP(id=17610, seq=1) / PAYLOAD)
lan.append(Ether(src=HOST_A, dst=GW_LAN) /
           IP(src="10.10.100.2", dst="10.10.200.2", ttl=1) / ICMP(id=17611, seq=1) / PAYLOAD)
lan.append(Ether(src=HOST_A, dst=GW_LAN) /
           IP(src="10.10.100.2", dst="192.0.2.1") / ICMP(id=17612, seq=1) / PAYLOAD)
wrpcap(f"{d}/in1.pcap", lan)
wrpcap(f"{d}/in0.pcap", underlay)
print(len(lan) + len(underlay))
