"""The hosts' programs in scripts/two_gateways.sh, run inside the namespaces by /usr/bin/python3
(standard library only):

    hosttool.py ping DST COUNT WAIT                  ping -c COUNT -W WAIT DST with iputils' output
                                                     (when iputils-ping is not installed)
    hosttool.py recv ADDR PORT READY TIMEOUT IDLE    accept one TCP connection, print "BYTES SHA256"
    hosttool.py send ADDR PORT FILE STALL            send FILE over TCP, print the rate
"""
import hashlib, os, select, socket, struct, sys, time

def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff

def ping(dst, count, wait):
    """ping -c COUNT -W WAIT DST, iputils' output and exit status (0: at least one reply)."""
    ident = os.getpid() & 0xffff
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    print(f"PING {dst} ({dst}) 56(84) bytes of data.", flush=True)
    got, rtts, t0 = 0, [], time.monotonic()
    for seq in range(1, count + 1):
        payload = struct.pack("!d", time.time()) + bytes(range(8, 56))
        hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
        pkt = struct.pack("!BBHHH", 8, 0, checksum(hdr + payload), ident, seq) + payload
        sent = time.monotonic()
        s.sendto(pkt, (dst, 0))
        deadline = sent + wait
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            data, addr = s.recvfrom(65535)
            ihl = (data[0] & 15) * 4
            icmp = data[ihl:]
            if len(icmp) < 8 or addr[0] != dst:
                continue
            typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
            if typ == 0 and rid == ident and rseq == seq:
                ms = (time.monotonic() - sent) * 1000
                rtts.append(ms)
                got += 1
                print(f"{len(icmp)} bytes from {dst}: icmp_seq={seq} ttl={data[8]} time={ms:.3g} ms",
                      flush=True)
                break
        if seq < count:
            time.sleep(max(0.0, sent + 1.0 - time.monotonic()))
    total = (time.monotonic() - t0) * 1000
    print(f"\n--- {dst} ping statistics ---")
    print(f"{count} packets transmitted, {got} received, {100 * (count - got) // count}% packet loss, "
          f"time {total:.0f}ms")
    if rtts:
        print(f"rtt min/avg/max = {min(rtts):.3f}/{sum(rtts) / len(rtts):.3f}/{max(rtts):.3f} ms")
    return 0 if got else 1

def recv(addr, port, ready, timeout, idle):
    """Accepts one connection; prints 'BYTES SHA256' of everything received, or how far it got."""
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(1)
    open(ready, "w").close()
    ls.settimeout(timeout)
    h, n = hashlib.sha256(), 0
    try:
        c, _ = ls.accept()
        c.settimeout(idle)
        while True:
            b = c.recv(1 << 16)
            if not b:
                break
            h.update(b)
            n += len(b)
    except OSError as e:
        print(f"{n} bytes, then: {e or type(e).__name__}", flush=True)
        return 1
    c.close()
    print(n, h.hexdigest(), flush=True)
    return 0

def send(addr, port, path, stall):
    """Sends the file, half-closes, waits for the receiver to close; gives up after STALL seconds
    without progress."""
    with open(path, "rb") as f:
        data = memoryview(f.read())
    t0, sent = time.monotonic(), 0
    try:
        c = socket.create_connection((addr, port), timeout=stall)
        while sent < len(data):
            sent += c.send(data[sent:sent + (1 << 16)])
        c.shutdown(socket.SHUT_WR)
        while c.recv(4096):
            pass
    except OSError as e:
        print(f"sender: stuck after handing {sent} of {len(data)} bytes to TCP, "
              f"{time.monotonic() - t0:.1f} s ({e or type(e).__name__}, no progress for {stall:g} s)",
              flush=True)
        return 1
    dt = time.monotonic() - t0
    print(f"sent {len(data)} bytes in {dt:.2f} s ({len(data) * 8 / dt / 1e6:.1f} Mbit/s)", flush=True)
    return 0

if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ping":
        sys.exit(ping(args[0], int(args[1]), float(args[2])))
    if cmd == "recv":
        sys.exit(recv(args[0], int(args[1]), args[2], float(args[3]), float(args[4])))
    if cmd == "send":
        sys.exit(send(args[0], int(args[1]), args[2], float(args[3])))
    sys.exit(f"hosttool: unknown command {cmd}")
