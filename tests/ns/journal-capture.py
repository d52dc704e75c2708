#!/usr/bin/env python3
"""Stand-in for journald in tests/ns/audit.sh: binds an AF_UNIX datagram
socket at argv[1] (the journal socket path), writes each entry it gets, in
journald's native protocol, to argv[2] as one JSON object per line, and exits
after argv[3] entries or argv[4] seconds, so it cannot outlive the test."""
import json
import os
import socket
import struct
import sys
import time

path, out, want, limit = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])


def parse(data):
    """KEY=VALUE lines, or KEY, newline, 64-bit LE length, bytes, newline."""
    fields, i = {}, 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", data[nl + 1:nl + 9])
            v = data[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields[k.decode()] = v.decode("utf-8", "replace")
    return fields


s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
deadline = time.monotonic() + limit
got = 0
with open(out, "w") as f:
    while got < want:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        s.settimeout(left)
        try:
            data = s.recv(1 << 20)
        except socket.timeout:
            break
        f.write(json.dumps(parse(data)) + "\n")
        f.flush()
        got += 1
s.close()
os.unlink(path)
