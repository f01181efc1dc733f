"""Drives a memcached-compatible server with pymemcache and checks every result.

Usage: python3 pymemcache_check.py PORT
Exits 0 when every check passes; otherwise prints the failed checks and exits 1.
"""
import sys

from pymemcache.client.base import Client

failures = []
checks = 0


def check(name, actual, expected):
    global checks
    checks += 1
    if actual != expected:
        failures.append(f"{name}: expected {expected!r}, got {actual!r}")


def main(port):
    # default_noreply=False: wait for every reply so each result can be checked.
    client = Client(("127.0.0.1", port), default_noreply=False, connect_timeout=5, timeout=10)

    check("flush_all", client.flush_all(), True)
    check("set", client.set("alpha", b"one", flags=5), True)
    check("get", client.get("alpha"), b"one")
    check("get missing", client.get("missing"), None)
    check("set with expire", client.set("beta", b"two", expire=1000), True)
    check("get_many", client.get_many(["alpha", "beta", "missing"]), {"alpha": b"one", "beta": b"two"})
    check("get_many none", client.get_many(["x1", "x2"]), {})

    value, cas = client.gets("alpha")
    check("gets value", value, b"one")
    check("gets cas is a number", isinstance(cas, bytes) and cas.isdigit(), True)
    check("cas with the current unique", client.cas("alpha", b"uno", cas), True)
    check("cas with a stale unique", client.cas("alpha", b"eins", cas), False)
    check("cas on a missing key", client.cas("missing", b"x", b"1"), None)
    check("get after cas", client.get("alpha"), b"uno")
    check("gets_many", sorted(client.gets_many(["alpha", "beta"]).keys()), ["alpha", "beta"])

    check("set counter", client.set("counter", b"10"), True)
    check("incr", client.incr("counter", 5), 15)
    check("decr", client.decr("counter", 3), 12)
    check("decr floors at 0", client.decr("counter", 100), 0)
    check("incr missing", client.incr("missing", 1), None)
    check("decr missing", client.decr("missing", 1), None)
    check("incr wraps", (client.set("big", b"18446744073709551615"), client.incr("big", 2)), (True, 1))

    check("add new", client.add("gamma", b"three"), True)
    check("add existing", client.add("gamma", b"drei"), False)
    check("replace existing", client.replace("gamma", b"tres"), True)
    check("replace missing", client.replace("missing", b"x"), False)
    check("append", client.append("gamma", b"-end"), True)
    check("prepend", client.prepend("gamma", b"start-"), True)
    check("get after append/prepend", client.get("gamma"), b"start-tres-end")
    check("append missing", client.append("missing", b"x"), False)

    check("touch existing", client.touch("gamma", 1000), True)
    check("touch missing", client.touch("missing", 1000), False)

    check("delete existing", client.delete("gamma"), True)
    check("delete missing", client.delete("gamma"), False)
    check("get deleted", client.get("gamma"), None)

    check("binary value", (client.set("bin", bytes(range(256))), client.get("bin")), (True, bytes(range(256))))
    large = b"x" * (512 * 1024)
    check("512 KiB value", (client.set("large", large), client.get("large") == large), (True, True))
    check("set_many", client.set_many({"m1": b"1", "m2": b"2"}), [])
    check("delete_many", client.delete_many(["m1", "m2"]), True)
    check("get_many after delete_many", client.get_many(["m1", "m2"]), {})

    check("version is text", isinstance(client.version(), bytes), True)
    stats = client.stats()
    check("stats has curr_items", b"curr_items" in stats or "curr_items" in stats, True)

    check("flush_all at the end", client.flush_all(), True)
    check("get after flush_all", client.get("alpha"), None)
    client.close()


if __name__ == "__main__":
    main(int(sys.argv[1]))
    if failures:
        print("\n".join(failures))
        print(f"{len(failures)} of {checks} checks failed")
        sys.exit(1)
    print(f"all {checks} checks passed")
