#!/usr/bin/env python3
"""Prints the tables of bench/compare.sh and bench/hitratio.sh from their runs.jsonl.

Usage: python3 bench/summarize.py bench/results/<run>/runs.jsonl
Each line of runs.jsonl is one run: round, scenario, server (memcached|trove), then either the
load generator's JSON fields, the memory fields compare.sh adds, or {"failed": true}.
"""
import sys
from collections import defaultdict
from summary_common import fmt, load, median, ratio, rounds_of, table

SERVERS = ("memcached", "trove")


def notes_for(runs):
    notes = []
    for (rnd, server), r in sorted(runs.items()):
        if r.get("failed"):
            notes.append(f"  round {rnd} {server}: FAILED (see bench.log and the server log)")
            continue
        if r.get("errors") or r.get("load_errors"):
            notes.append(f"  round {rnd} {server}: {r.get('errors', 0)} error replies, {r.get('load_errors', 0)} while loading"
                         f" (first: {r.get('first_error', '?')})")
    return notes


def throughput(name, runs):
    any_run = next(r for r in runs.values() if not r.get("failed")) if any(not r.get("failed") for r in runs.values()) else {}
    print(f"\n{name}: get:set {any_run.get('get_weight', '?')}:{any_run.get('set_weight', '?')}, "
          f"{any_run.get('value_size', '?')}-byte values, {any_run.get('connections', '?')} connections, "
          f"pipeline {any_run.get('pipeline', '?')}, {any_run.get('keys', '?')} keys preloaded")
    header = ["round", "memcached ops/s", "trove ops/s", "ratio", "memcached p99 us", "trove p99 us", "p99 ratio",
              "client cpu m/t"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        m, t = (runs.get((rnd, s), {"failed": True}) for s in SERVERS)
        mo, to = m.get("ops_per_sec"), t.get("ops_per_sec")
        mp, tp = m.get("p99_us"), t.get("p99_us")
        vals = dict(mo=mo, to=to, r=ratio(to, mo), mp=mp, tp=tp, pr=ratio(tp, mp))
        for k, v in vals.items():
            cols[k].append(v)
        cpu = f"{fmt(m.get('client_cpu_pct'), 0, '%')}/{fmt(t.get('client_cpu_pct'), 0, '%')}"
        rows.append([rnd, fmt(mo), fmt(to), fmt(vals["r"], 3), fmt(mp, 1), fmt(tp, 1), fmt(vals["pr"], 3), cpu])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["mo"]), fmt(med["to"]), fmt(med["r"], 3), fmt(med["mp"], 1), fmt(med["tp"], 1),
                 fmt(med["pr"], 3), ""])
    print(table(header, rows))
    notes = notes_for(runs)
    for (rnd, server), r in sorted(runs.items()):
        if not r.get("failed") and r.get("hit_ratio") not in (None, 1):
            notes.append(f"  round {rnd} {server}: hit ratio {r['hit_ratio']:.4%} on a preloaded key space (lost items?)")
    if notes:
        print("notes:")
        print("\n".join(notes))


def memory(runs):
    any_run = next((r for r in runs.values() if not r.get("failed")), {})
    print(f"\nmemory: RSS after setting {any_run.get('keys', '?')} items of {any_run.get('value_size', '?')} bytes "
          f"(--load-only) into a fresh server")
    header = ["round", "memcached MB", "trove MB", "ratio", "memcached idle MB", "trove idle MB", "items m/t"]
    rows, cols = [], defaultdict(list)
    mb = lambda kb: kb / 1024 if kb is not None else None
    for rnd in rounds_of(runs):
        m, t = (runs.get((rnd, s), {"failed": True}) for s in SERVERS)
        vals = dict(m=mb(m.get("rss_kb")), t=mb(t.get("rss_kb")), mi=mb(m.get("idle_rss_kb")), ti=mb(t.get("idle_rss_kb")))
        vals["r"] = ratio(vals["t"], vals["m"])
        for k, v in vals.items():
            cols[k].append(v)
        rows.append([rnd, fmt(vals["m"], 1), fmt(vals["t"], 1), fmt(vals["r"], 3), fmt(vals["mi"], 1), fmt(vals["ti"], 1),
                     f"{m.get('curr_items', '?')}/{t.get('curr_items', '?')}"])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["m"], 1), fmt(med["t"], 1), fmt(med["r"], 3), fmt(med["mi"], 1), fmt(med["ti"], 1), ""])
    print(table(header, rows))
    notes = notes_for(runs)
    if notes:
        print("notes:")
        print("\n".join(notes))


def hitratio(name, runs):
    any_run = next((r for r in runs.values() if not r.get("failed")), {})
    print(f"\n{name}: -m {any_run.get('megabytes', '?')}, zipf {any_run.get('zipf_s', '?')}, {any_run.get('keys', '?')} keys, "
          f"{any_run.get('value_size', '?')}-byte values, get-only with a set after each miss")
    header = ["round", "memcached hit %", "trove hit %", "trove - memcached (points)", "evictions m/t", "items m/t"]
    rows, cols = [], defaultdict(list)
    pct = lambda r: 100 * r["hit_ratio"] if r.get("hit_ratio") is not None else None
    for rnd in rounds_of(runs):
        m, t = (runs.get((rnd, s), {"failed": True}) for s in SERVERS)
        mh, th = pct(m), pct(t)
        diff = th - mh if mh is not None and th is not None else None
        for k, v in dict(m=mh, t=th, d=diff).items():
            cols[k].append(v)
        rows.append([rnd, fmt(mh, 2), fmt(th, 2), fmt(diff, 2), f"{m.get('evictions', '?')}/{t.get('evictions', '?')}",
                     f"{m.get('curr_items', '?')}/{t.get('curr_items', '?')}"])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["m"], 2), fmt(med["t"], 2), fmt(med["d"], 2), "", ""])
    print(table(header, rows))
    notes = notes_for(runs)
    if notes:
        print("notes:")
        print("\n".join(notes))


def main():
    runs = load(sys.argv[1])
    print("ratio = trove / memcached: for ops/s above 1 means Trove is faster; for p99 and memory below 1 means Trove is better.")
    for name in runs:
        if name == "memory":
            continue
        if name.startswith("hitratio"):
            hitratio(name, runs[name])
        else:
            throughput(name, runs[name])
    if "memory" in runs:
        memory(runs["memory"])


if __name__ == "__main__":
    main()
