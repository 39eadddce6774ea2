#!/usr/bin/env python3
"""Hostile HTTP clients against lazytrace --metrics, over real sockets.

usage: http_probe.py PORT CASE
Prints one line: the status code the server answered, "closed" when it
closed the connection without an answer, or "timeout".
"""
import random
import socket
import sys

PORT = int(sys.argv[1])
CRLF = b"\r\n"


def talk(data, wait=8.0):
    s = socket.create_connection(("127.0.0.1", PORT), timeout=wait)
    try:
        s.sendall(data)
    except OSError:
        pass	# the server may close before reading it all: fine
    out = b""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
            if b"\r\n\r\n" in out and not out.startswith(b"HTTP/1.1 200"):
                break
    except socket.timeout:
        return "timeout"
    except OSError:
        pass
    finally:
        s.close()
    if not out:
        return "closed"
    return out.split(b" ", 2)[1].decode()


def get(target, method=b"GET", extra=b""):
    return talk(method + b" " + target + b" HTTP/1.1\r\nHost: t\r\n"
                b"Connection: close\r\n" + extra + CRLF)


def slowloris(n=4):
    """n partial requests left hanging, then a full scrape: it must be
    served meanwhile (the listen queue is FIFO, so the server has taken
    the partial ones first), and the server must drop the idlers itself.
    Prints "STATUS dropped=N/n" with N dropped within 15 s."""
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", PORT), timeout=15)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        socks.append(s)
    served = get(b"/metrics")
    dropped = 0
    for s in socks:
        try:
            s.recv(1024)	# returns b"" (or resets) once dropped
            dropped += 1
        except ConnectionResetError:
            dropped += 1
        except socket.timeout:
            pass
        s.close()
    return "%s dropped=%d/%d" % (served, dropped, n)


def soup(space, n=20):
    """n request lines of seeded random bytes (no CR, LF or NUL), each
    with a space or none; prints the distinct answers, sorted."""
    got = set()
    for seed in range(n):
        r = random.Random(seed)
        line = bytes(r.choice([b for b in range(1, 256)
                               if b not in (10, 13, 32)])
                     for _ in range(r.randrange(8, 4096)))
        if space:
            cut = r.randrange(1, len(line) - 1)
            line = line[:cut] + b" " + line[cut:]
        got.add(talk(line + b"\r\n\r\n"))
    return ",".join(sorted(got))


CASES = {
    "get": lambda: get(b"/metrics"),
    "index": lambda: get(b"/"),
    "head": lambda: get(b"/metrics", b"HEAD"),
    "method": lambda: get(b"/metrics", b"DELETE"),
    "post": lambda: talk(b"POST /metrics HTTP/1.1\r\nHost: t\r\n"
                         b"Content-Length: 100000\r\n\r\n" + b"x" * 4096),
    "long-url": lambda: get(b"/" + b"a" * 1000),
    "huge-url": lambda: get(b"/" + b"a" * 100000),
    "huge-header": lambda: get(b"/metrics", extra=b"X-A: " + b"b" * 60000
                               + CRLF),
    "query": lambda: get(b"/metrics?match[]=up"),
    "unknown": lambda: get(b"/admin"),
    "traversal": lambda: get(b"/../../etc/passwd"),
    "version": lambda: talk(b"GET /metrics HTTP/9.9\r\nHost: t\r\n\r\n"),
    "http2": lambda: talk(b"GET /metrics HTTP/2.0\r\nHost: t\r\n\r\n"),
    "no-version": lambda: talk(b"GET /metrics\r\n\r\n"),
    "bad-protocol": lambda: talk(b"GET /metrics HTTX/1.1\r\nHost: t\r\n\r\n"),
    "no-host": lambda: talk(b"GET /metrics HTTP/1.1\r\n\r\n"),
    "bad-header": lambda: get(b"/metrics", extra=b"no colon here\r\n"),
    "garbage": lambda: talk(b"\xff\xfe\x80 \x01garbage\r\n\r\n"),
    "no-space": lambda: talk(b"garbage\r\n\r\n"),
    "empty-lines": lambda: talk(b"\r\n\r\n\r\n"),
    "soup-space": lambda: soup(True),
    "soup-nospace": lambda: soup(False),
    "slowloris": slowloris,
}

print(CASES[sys.argv[2]]())
