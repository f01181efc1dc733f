"""Authenticates with pymemcache against a server started with an auth file (alice:secret, bob:pw2).

pymemcache has no SASL; memcached's text authentication is a plain set whose value is "user password", which
any client can send. Usage: python3 pymemcache_auth_check.py PORT. Exits 0 when every check passes.
"""
import sys

from pymemcache.client.base import Client
from pymemcache.exceptions import MemcacheClientError

failures = []
checks = 0


def check(name, actual, expected):
    global checks
    checks += 1
    if actual != expected:
        failures.append(f"{name}: expected {expected!r}, got {actual!r}")


def client_error(name, call, expected_text):
    global checks
    checks += 1
    try:
        result = call()
        failures.append(f"{name}: expected CLIENT_ERROR {expected_text}, got {result!r}")
    except MemcacheClientError as error:
        if expected_text not in str(error):
            failures.append(f"{name}: expected CLIENT_ERROR {expected_text}, got {error}")


def connect(port):
    return Client(("127.0.0.1", port), default_noreply=False, connect_timeout=5, timeout=10)


def main(port):
    client = connect(port)
    client_error("get before auth", lambda: client.get("k"), "unauthenticated")
    client_error("wrong password", lambda: client.set("auth", b"alice wrong"), "authentication failure")
    client_error("one word is no credential", lambda: client.set("k", b"v"), "bad authentication token format")
    check("right password", client.set("auth", b"alice secret"), True)
    check("set after auth", client.set("k", b"value", flags=3), True)
    check("get after auth", client.get("k"), b"value")
    check("nothing stored by the auth set", client.get("auth"), None)

    other = connect(port)
    check("second user", other.set("anything", b"bob pw2"), True)
    check("second user sees the data", other.get("k"), b"value")
    check("incr", (other.set("n", b"1"), other.incr("n", 41)), (True, 42))

    client.close()
    other.close()
    if failures:
        print("\n".join(failures))
        return 1
    print(f"{checks} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
