"""Drives a Trove cluster with pymemcache: bulk writes through one node, checked reads through others, CAS across nodes.

Usage:
  python3 pymemcache_cluster.py write PORT COUNT
      set_many COUNT keys (key-00000 ...) through the node on PORT, 100 per call.
  python3 pymemcache_cluster.py read COUNT WAIT_SECONDS PORT [PORT ...]
      get_many every key in chunks of 100 through each node in turn and check every value exactly. WAIT_SECONDS 0:
      one pass per node. Otherwise: passes repeat until one is entirely right or WAIT_SECONDS pass (a hang guard,
      for data that is still moving or a dead node still being detected), and the time it took is printed.
  python3 pymemcache_cluster.py cas PORT1 PORT2
      gets through PORT1, cas through PORT2 with that unique (STORED), again with the stale unique (EXISTS).

Every line of output is meant for the test log. Exits 0 when everything checked out, 1 otherwise.
"""
import sys
import time

from pymemcache.client.base import Client

CHUNK = 100


def key_of(i):
    return f"key-{i:05d}"


def value_of(key):
    # Encodes its key, so a value served for the wrong key is caught: "v-key-00042|v-key-00042|..." cut to 100 bytes.
    return ((f"v-{key}|") * 10)[:100].encode()


def client(port):
    # default_noreply=False: wait for every reply so each result can be checked.
    return Client(("127.0.0.1", port), default_noreply=False, connect_timeout=5, timeout=5)


def write(port, count):
    c = client(port)
    failed = []
    for start in range(0, count, CHUNK):
        keys = [key_of(i) for i in range(start, min(start + CHUNK, count))]
        failed += c.set_many({k: value_of(k) for k in keys})
    c.close()
    print(f"write via {port}: {count - len(failed)} of {count} stored, {len(failed)} failed {failed[:5]}")
    return not failed


def read_pass(port, count, deadline):
    """One pass over every key: (checked, missing, wrong, errors, samples). Keys left when the deadline passes
    (a node that answers each call only after a long wait) count as errors."""
    checked = missing = wrong = errors = 0
    samples = []
    c = client(port)
    try:
        for start in range(0, count, CHUNK):
            keys = [key_of(i) for i in range(start, min(start + CHUNK, count))]
            if time.monotonic() > deadline:
                errors += count - start
                samples.append(f"{keys[0]}..{key_of(count - 1)}: not read, the hang guard ran out")
                break
            try:
                got = c.get_many(keys)
            except Exception as e:  # a server error or a dropped connection: counted per key of the chunk
                errors += len(keys)
                if len(samples) < 5:
                    samples.append(f"{keys[0]}..{keys[-1]}: {type(e).__name__}: {e}")
                c.close()
                c = client(port)
                continue
            for k in keys:
                checked += 1
                if k not in got:
                    missing += 1
                    if len(samples) < 5:
                        samples.append(f"{k}: missing")
                elif got[k] != value_of(k):
                    wrong += 1
                    if len(samples) < 5:
                        samples.append(f"{k}: wrong value {got[k][:40]!r}")
            extra = set(got) - set(keys)
            if extra:
                wrong += len(extra)
                samples.append(f"keys not asked for: {sorted(extra)[:5]}")
    finally:
        c.close()
    return checked, missing, wrong, errors, samples


def read(count, wait, ports):
    ok = True
    for port in ports:
        began = time.monotonic()
        deadline = began + (wait if wait > 0 else 30)
        passes = 0
        result = None
        while True:
            passes += 1
            this = read_pass(port, count, deadline)
            checked, missing, wrong, errors, samples = this
            if result is None or checked == count:  # a pass cut short by the deadline does not hide the last whole one
                result = this
            right = missing == 0 and wrong == 0 and errors == 0 and checked == count
            if right or wait <= 0 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - began
        checked, missing, wrong, errors, samples = result
        state = "all right" if right else "FAILED"
        print(f"read via {port}: {state}: checked {checked}, missing {missing}, wrong {wrong}, errors {errors}"
              f" ({passes} pass{'es' if passes != 1 else ''}, {elapsed:.2f} s)")
        for s in samples:
            print(f"  {s}")
        ok = ok and right
    return ok


def check(name, actual, expected):
    right = actual == expected
    if not right:
        print(f"FAILED: {name}: expected {expected!r}, got {actual!r}")
    return right


def cas(port1, port2):
    one, two = client(port1), client(port2)
    results = []
    for i in range(20):  # several keys, so some have their primary on each node
        key = f"cas-{i:02d}"
        results.append(check(f"set {key} via {port1}", one.set(key, b"first"), True))
        value, unique = one.gets(key)
        results.append(check(f"gets {key} via {port1}", value, b"first"))
        results.append(check(f"cas {key} via {port2} with the unique from {port1}", two.cas(key, b"second", unique), True))
        results.append(check(f"cas {key} via {port2} with the stale unique (EXISTS)", two.cas(key, b"third", unique), False))
        value2, unique2 = one.gets(key)
        results.append(check(f"gets {key} via {port1} after the cas", value2, b"second"))
        results.append(check(f"unique of {key} changed", unique2 != unique, True))
    one.close()
    two.close()
    print(f"cas: {sum(results)} of {len(results)} checks right")
    return all(results)


def main(argv):
    command = argv[1]
    if command == "write":
        return write(int(argv[2]), int(argv[3]))
    if command == "read":
        return read(int(argv[2]), float(argv[3]), [int(p) for p in argv[4:]])
    if command == "cas":
        return cas(int(argv[2]), int(argv[3]))
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv) else 1)
