#!/usr/bin/python3
"""Writes a config of N tunnels and N routes (2N+ lines) for load-time measurements.

  gen_bulk_config.py N > bulk.conf

Tunnel i: remote 100.64.0.0/10 + i, local 10.65.0.1, route 172.16.0.0/12 + i (/32) through it;
the underlay is one connected /10 on port0 with a neighbour for every remote only if --neigh.
"""
import ipaddress
import sys

n = int(sys.argv[1])
neigh = "--neigh" in sys.argv
out = sys.stdout
w = out.write
w("addr add 10.65.0.1/16 dev port0\n")
w("addr add 100.64.0.1/10 dev port0\n")
base_remote = int(ipaddress.IPv4Address("100.64.1.0"))
base_route = int(ipaddress.IPv4Address("172.16.0.0"))
for i in range(n):
    r = ipaddress.IPv4Address(base_remote + i)
    w(f"tunnel add t{i} mode ipip remote {r} local 10.65.0.1\n")
    w(f"link set t{i} up\n")
    w(f"route add {ipaddress.IPv4Address(base_route + i)}/32 dev t{i}\n")
    if neigh:
        w(f"neigh add {r} lladdr 52:54:00:{(i >> 16) & 255:02x}:{(i >> 8) & 255:02x}:{i & 255:02x} dev port0\n")
