"""ARP requests for an address that is not the gateway's are not answered (counted not_for_us),
whether broadcast or unicast to the port MAC, for an on-link or an off-link address, and their
senders are not learned. A request for the gateway's address follows, answered, as a control.
(Gratuitous ARP, sender = target, is not "a request for an address not ours" to Linux, which uses
it to refresh an entry it has: arp_gratuitous.py.)
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2


def send():
    return [(1, f) for f in [
        arp_request(HOST_MAC, HOST, "10.10.100.99"),                    # another host on the LAN
        arp_request(HOST_MAC, HOST, "10.10.100.99", dst_mac=P1_MAC),    # unicast to us, still not ours
        arp_request(HOST2_MAC, HOST2, "192.0.2.1"),                     # off-link address
        arp_request(HOST_MAC, HOST, GW_LAN),                            # control: answered
    ]]


def expect():
    return {1: [gw_arp_reply(1, HOST_MAC, HOST, GW_LAN)]}


DROPS = {"not_for_us": 3}
EVENTS = {"arp_replies": 1}

# Only the requester of the answered request is learned (Linux creates an entry for a requester
# only from a request for one of its own addresses): not HOST2.
live_check = neigh_check([(HOST, "port1", HOST_MAC, DYNAMIC)])
