#!/usr/bin/env python3
"""Replays the meta scenario tests against a real memcached and checks (or fills in) their expected replies.

Every [InlineData("wire", "expected")] pair in the Meta*Tests.cs files next to this script that name it in their
header comment (the scenario files; the others build their wire text in code) is sent to a fresh
memcached (started on a loopback port, killed afterwards), so CAS values start at 1 as they do on a fresh
Trove engine. "@@wait N@@" in the wire sleeps N seconds.

    python3 verify_against_memcached.py            # report mismatches (exit 1 if any)
    python3 verify_against_memcached.py --fill     # rewrite expected strings with memcached's replies

Needs memcached 1.6.18 on PATH. Timing-sensitive replies (TTL, last access) can flake when a scenario
straddles memcached's once-a-second clock tick; rerun before trusting a TTL mismatch.
"""
import glob, os, re, socket, subprocess, sys, time

PORT = int(os.environ.get("META_VERIFY_PORT", "23917"))
PAIR = re.compile(r'\[InlineData\(\s*("(?:[^"\\]|\\.)*")\s*,\s*("(?:[^"\\]|\\.)*")\s*\)\]')


def unescape(literal):
    body = literal[1:-1]
    out, i = [], 0
    simple = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", "\\": "\\", '"': '"', "'": "'"}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c); i += 1; continue
        n = body[i + 1]
        if n == "u":
            out.append(chr(int(body[i + 2:i + 6], 16))); i += 6
        elif n == "x":
            m = re.match(r"[0-9a-fA-F]{1,4}", body[i + 2:])
            out.append(chr(int(m.group(0), 16))); i += 2 + len(m.group(0))
        else:
            out.append(simple[n]); i += 2
    return "".join(out)


def escape(text):
    out = []
    for c in text:
        if c == "\r": out.append("\\r")
        elif c == "\n": out.append("\\n")
        elif c == "\t": out.append("\\t")
        elif c == "\\": out.append("\\\\")
        elif c == '"': out.append('\\"')
        elif c == "\0": out.append("\\0")
        elif ord(c) < 32 or ord(c) > 126: out.append("\\u%04x" % ord(c))
        else: out.append(c)
    return '"' + "".join(out) + '"'


def run(wire):
    proc = subprocess.Popen(["memcached", "-u", "root", "-l", "127.0.0.1", "-p", str(PORT), "-U", "0"])
    try:
        for _ in range(100):
            try:
                s = socket.create_connection(("127.0.0.1", PORT)); break
            except OSError:
                time.sleep(0.02)
        s.settimeout(0.25)
        parts = re.split(r"@@wait (\d+)@@", wire)
        for index, part in enumerate(parts):
            if index % 2 == 1:
                time.sleep(int(part)); continue
            s.sendall(part.encode("latin1"))
        reply = b""
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk: break
                reply += chunk
        except socket.timeout:
            pass
        s.close()
        return reply.decode("latin1")
    finally:
        proc.kill(); proc.wait()


def main():
    fill = "--fill" in sys.argv
    here = os.path.dirname(os.path.abspath(__file__))
    failures = 0
    for path in sorted(glob.glob(os.path.join(here, "Meta*Tests.cs"))):
        text = open(path).read()
        if "verify_against_memcached.py" not in text:
            continue
        def check(match):
            nonlocal failures
            wire, expected = unescape(match.group(1)), unescape(match.group(2))
            actual = run(wire)
            if actual != expected:
                if not fill:
                    failures += 1
                    print(f"{os.path.basename(path)}: {match.group(1)}\n  expected {match.group(2)}\n  memcached {escape(actual)}")
                return f"[InlineData({match.group(1)}, {escape(actual)})]"
            return match.group(0)
        new_text = PAIR.sub(check, text)
        if fill and new_text != text:
            open(path, "w").write(new_text)
    print("mismatches:", failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
