#!/usr/bin/env python3
"""Prints the tables of bench/cluster-compare.sh from its runs.jsonl.

Usage: python3 bench/cluster_summarize.py bench/results/cluster-<time>/runs.jsonl
Each line is one run: round, scenario, server (twemproxy|trove|trove-r2 for throughput scenarios;
trove-local|trove-forwarded|twemproxy|memcached for scenario "forward"), then the load generator's
JSON fields or {"failed": true}.
"""
import sys
from collections import defaultdict

from summary_common import fmt, load, median, ratio, table

BASELINE = "twemproxy"
SYSTEM_ORDER = ["twemproxy", "trove", "trove-r2"]
FORWARD_ORDER = ["trove-local", "trove-forwarded", "twemproxy", "memcached"]


def field(runs, rnd, server, name):
    r = runs.get((rnd, server))
    return None if r is None or r.get("failed") else r.get(name)


def notes(runs):
    out = []
    for (rnd, server), r in sorted(runs.items()):
        if r.get("failed"):
            out.append(f"  round {rnd} {server}: FAILED (see bench.log and the process logs)")
        elif r.get("errors") or r.get("load_errors"):
            out.append(f"  round {rnd} {server}: {r.get('errors', 0)} error replies, {r.get('load_errors', 0)} while loading"
                       f" (first: {r.get('first_error', '?')})")
        elif r.get("hit_ratio") is not None and r["hit_ratio"] < 1:
            out.append(f"  round {rnd} {server}: hit ratio {r['hit_ratio']:.4f} on a loaded key space (expected 1)")
    return out


def items(runs):
    out = []
    for (rnd, server), r in sorted(runs.items()):
        if r.get("items_per_process"):
            out.append(f"{rnd}/{server} {'+'.join(str(i) for i in r['items_per_process'])}")
    return "  items per process after the run (round/system): " + ", ".join(out) if out else None


def describe(runs):
    r = next((r for r in runs.values() if not r.get("failed")), {})
    return (f"get:set {r.get('get_weight', '?')}:{r.get('set_weight', '?')}, {r.get('value_size', '?')}-byte values, "
            f"{r.get('connections', '?')} connection(s), pipeline {r.get('pipeline', '?')}, {r.get('keys', '?')} keys preloaded")


def throughput(name, runs):
    systems = [s for s in SYSTEM_ORDER if any(srv == s for _, srv in runs)]
    others = [s for s in systems if s != BASELINE]
    print(f"\n{name}: {describe(runs)}")
    header = ["round"]
    for s in systems:
        header += [f"{s} ops/s", f"{s} p50 us", f"{s} p99 us"]
    for s in others:
        header += [f"{s}/{BASELINE} ops", f"{s}/{BASELINE} p99"]
    rows, cols = [], defaultdict(list)
    for rnd in sorted({rnd for rnd, _ in runs}):
        row = [rnd]
        for s in systems:
            for f, d in (("ops_per_sec", 0), ("p50_us", 1), ("p99_us", 1)):
                v = field(runs, rnd, s, f)
                cols[(s, f)].append(v)
                row.append(fmt(v, d))
        for s in others:
            for f in ("ops_per_sec", "p99_us"):
                v = ratio(field(runs, rnd, s, f), field(runs, rnd, BASELINE, f))
                cols[(s, f, "ratio")].append(v)
                row.append(fmt(v, 3))
        rows.append(row)
    med = ["median"]
    for s in systems:
        for f, d in (("ops_per_sec", 0), ("p50_us", 1), ("p99_us", 1)):
            med.append(fmt(median(cols[(s, f)]), d))
    for s in others:
        for f in ("ops_per_sec", "p99_us"):
            med.append(fmt(median(cols[(s, f, "ratio")]), 3))
    rows.append(med)
    print(table(header, rows))
    for n in notes(runs) + [items(runs)]:
        if n:
            print(n)


def forward(runs):
    systems = [s for s in FORWARD_ORDER if any(srv == s for _, srv in runs)]
    print(f"\nforward: one connection, {describe(runs)}; trove: 2 nodes, --replicas 1, all requests to node 1")
    header = ["round"] + [f"{s} p{p} us" for s in systems for p in (50, 99)] + ["added p50 us", "added p99 us"]
    rows, cols = [], defaultdict(list)
    for rnd in sorted({rnd for rnd, _ in runs}):
        row = [rnd]
        for s in systems:
            for p in (50, 99):
                v = field(runs, rnd, s, f"p{p}_us")
                cols[(s, p)].append(v)
                row.append(fmt(v, 1))
        for p in (50, 99):
            loc, fwd = field(runs, rnd, "trove-local", f"p{p}_us"), field(runs, rnd, "trove-forwarded", f"p{p}_us")
            v = fwd - loc if loc is not None and fwd is not None else None
            cols[("added", p)].append(v)
            row.append(fmt(v, 1))
        rows.append(row)
    rows.append(["median"] + [fmt(median(cols[(s, p)]), 1) for s in systems for p in (50, 99)]
                + [fmt(median(cols[("added", p)]), 1) for p in (50, 99)])
    print(table(header, rows))
    print("  added = trove-forwarded - trove-local, per round; twemproxy and memcached: the same single-connection "
          "run through nutcracker (3 memcached) and straight to one memcached, for scale")
    for n in notes(runs) + [items(runs)]:
        if n:
            print(n)


def main(path):
    runs = load(path)
    print("Ratios are Trove / twemproxy (median of the per-round ratios): above 1 is better for ops/s, below 1 for p99.")
    for name, scenario_runs in runs.items():
        if name == "forward":
            continue
        throughput(name, scenario_runs)
    if "forward" in runs:
        forward(runs["forward"])


if __name__ == "__main__":
    main(sys.argv[1])
