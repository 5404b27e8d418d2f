"""ARP replies (RFC 826; Linux arp_ignore=0): a request whose target is one of the gateway's IPv4
addresses is answered on the port it came in on, whatever interface owns the address:
  Ether(dst=requester, src=port MAC, type ARP)/ARP(op 2, hwsrc=port MAC, psrc=the target,
  hwdst=requester, pdst=requester's IP), 42 bytes (no padding, even to a padded request).
Targets: the port's own address (broadcast and unicast requests, a 60-byte padded one), another
port's address, a tunnel's address (`addr add A peer B dev tun1`). The requester is learned
(`neigh show`: its MAC, a dynamic state).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
"""
PORTS = 2

TUN_ADDR = "10.10.100.10"

# (port, requester MAC, requester IP, target, Ethernet dst of the request, padded)
REQUESTS = [
    (1, HOST_MAC, HOST, GW_LAN, BCAST_MAC, False),      # the port's own address
    (1, HOST_MAC, HOST, GW_LAN, P1_MAC, False),         # unicast (a refresh), same answer
    (1, HOST2_MAC, HOST2, GW_LAN, BCAST_MAC, True),     # padded to 60 bytes by the sender's NIC
    (1, HOST_MAC, HOST, GW, BCAST_MAC, False),          # port0's address asked on port1
    (1, HOST_MAC, HOST, TUN_ADDR, BCAST_MAC, False),    # a tunnel's local (peer) address
    (0, PEER_MAC, PEER, GW, BCAST_MAC, False),          # the underlay side
]


def send():
    out = []
    for port, mac, ip, target, dst, padded in REQUESTS:
        f = arp_request(mac, ip, target, dst_mac=dst)
        if padded:
            f = f / Padding(b"\0" * 18)
        out.append((port, f))
    return out


def expect():
    out = {0: [], 1: []}
    for port, mac, ip, target, _dst, _padded in REQUESTS:
        out[port].append(gw_arp_reply(port, mac, ip, target))
    return out


DROPS = {}
EVENTS = {"arp_replies": len(REQUESTS), "arp_requests": 0, "neigh_learned": (3, len(REQUESTS))}

live_check = neigh_check([
    (HOST, "port1", HOST_MAC, DYNAMIC),
    (HOST2, "port1", HOST2_MAC, DYNAMIC),
    (PEER, "port0", PEER_MAC, DYNAMIC),
])
