"""Gratuitous ARP (a request with sender IP = target IP, RFC 5227 announcement): not answered; it
updates the sender's existing dynamic entry with the new MAC, as Linux's arp_process does (a
gratuitous ARP overrides the entry's address), and never creates one.
Here 10.10.100.2 is first learned from its request for the gateway's address (answered), then
announces a new MAC: `neigh show` has the new MAC. 10.10.100.3 announces itself without an entry:
nothing is created. Static entries are never changed (arp_static_kept.py).
"""
from lib import *

CONFIG = """\
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
"""
PORTS = 2

NEW_MAC = "52:54:00:00:01:22"


def send():
    return [(1, f) for f in [
        arp_request(HOST_MAC, HOST, GW_LAN),                 # learned, answered
        arp_request(NEW_MAC, HOST, HOST),                    # gratuitous: new MAC
        arp_request(HOST2_MAC, HOST2, HOST2),                # gratuitous, unknown host
    ]]


def expect():
    return {1: [gw_arp_reply(1, HOST_MAC, HOST, GW_LAN)]}


EVENTS = {"arp_replies": 1, "arp_requests": 0, "arp_ignored": 1}  # the unknown host's announcement

live_check = neigh_check([(HOST, "port1", NEW_MAC, DYNAMIC)])
