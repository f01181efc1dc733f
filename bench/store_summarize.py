#!/usr/bin/env python3
"""Prints the tables of bench/store-compare.sh from its runs.jsonl.

Usage: python3 bench/store_summarize.py bench/results/store-<time>/runs.jsonl
Each line is one run: round, scenario, server (trove-cache, trove-everysec, trove-always, redis-everysec,
redis-always, trove-quiet, trove-compacting), then the load generator's JSON fields (or redis-benchmark's, converted),
the fields the script adds, or {"failed": true}. Ratios are medians of the per-round ratios.
"""
import sys
from collections import defaultdict
from summary_common import load, median, ratio, rounds_of, table, fmt as _fmt


def fmt(value, digits=0, suffix=""):
    return _fmt(value, digits, suffix, missing="-")


def get(runs, rnd, server, field):
    r = runs.get((rnd, server))
    return None if r is None or r.get("failed") else r.get(field)


def notes_for(runs):
    notes = []
    for (rnd, server), r in sorted(runs.items()):
        if r.get("failed"):
            notes.append(f"  round {rnd} {server}: FAILED (see bench.log, redis.log and the server log)")
        elif r.get("errors") or r.get("load_errors"):
            notes.append(f"  round {rnd} {server}: {r.get('errors', 0)} error replies, {r.get('load_errors', 0)} while loading"
                         f" (first: {r.get('first_error', '?')})")
    return notes


def print_notes(runs, extra=()):
    notes = notes_for(runs) + list(extra)
    if notes:
        print("notes:")
        print("\n".join(notes))


def describe(runs):
    r = next((r for r in runs.values() if not r.get("failed")), {})
    return f"{r.get('value_size', '?')}-byte values, {r.get('connections', '?')} connections, pipeline {r.get('pipeline', '?')}, " \
           f"{r.get('keys', '?')} keys, set only"


def set_table(name, runs):
    print(f"\n{name}: {describe(runs)}")
    header = ["round", "cache ops/s", "store ops/s", "store/cache", "redis ops/s", "store/redis",
              "p99 us c/s/r", "fsyncs/s"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        c, s, r = (get(runs, rnd, k, "ops_per_sec") for k in ("trove-cache", "trove-everysec", "redis-everysec"))
        vals = dict(c=c, s=s, r=r, sc=ratio(s, c), sr=ratio(s, r))
        for k, v in vals.items():
            cols[k].append(v)
        p99 = "/".join(fmt(get(runs, rnd, k, "p99_us")) for k in ("trove-cache", "trove-everysec", "redis-everysec"))
        rows.append([rnd, fmt(c), fmt(s), fmt(vals["sc"], 3), fmt(r), fmt(vals["sr"], 3), p99,
                     fmt(get(runs, rnd, "trove-everysec", "fsyncs_per_sec"), 1)])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["c"]), fmt(med["s"]), fmt(med["sc"], 3), fmt(med["r"]), fmt(med["sr"], 3), "", ""])
    print(table(header, rows))
    target = med["sc"]
    print(f"target store/cache >= 0.5: {'met' if target is not None and target >= 0.5 else 'NOT met'} ({fmt(target, 3)})")
    print_notes(runs)


def always_table(name, runs):
    print(f"\n{name}: --fsync always / appendfsync always; {describe(runs)}")
    header = ["round", "trove ops/s", "p50 us", "p99 us", "fsyncs/s", "sets/fsync", "redis ops/s", "p50 us", "p99 us",
              "trove/redis"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        t = get(runs, rnd, "trove-always", "ops_per_sec")
        r = get(runs, rnd, "redis-always", "ops_per_sec")
        fs = get(runs, rnd, "trove-always", "fsyncs_per_sec")
        vals = dict(t=t, tp50=get(runs, rnd, "trove-always", "p50_us"), tp99=get(runs, rnd, "trove-always", "p99_us"),
                    fs=fs, per=ratio(t, fs), r=r, rp50=get(runs, rnd, "redis-always", "p50_us"),
                    rp99=get(runs, rnd, "redis-always", "p99_us"), tr=ratio(t, r))
        for k, v in vals.items():
            cols[k].append(v)
        rows.append([rnd, fmt(t), fmt(vals["tp50"]), fmt(vals["tp99"]), fmt(fs, 1), fmt(vals["per"], 1), fmt(r),
                     fmt(vals["rp50"]), fmt(vals["rp99"]), fmt(vals["tr"], 3)])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["t"]), fmt(med["tp50"]), fmt(med["tp99"]), fmt(med["fs"], 1), fmt(med["per"], 1),
                 fmt(med["r"]), fmt(med["rp50"]), fmt(med["rp99"]), fmt(med["tr"], 3)])
    print(table(header, rows))
    print("(fsyncs/s: the log's fsyncs over the whole run, warm-up included, per second; sets/fsync = ops/s / fsyncs/s)")
    print_notes(runs)


def pause_table(runs):
    r = next((r for r in runs.values() if not r.get("failed")), {})
    print(f"\npause: get:set 1:1, {r.get('value_size', '?')}-byte values, {r.get('keys', '?')} keys preloaded, "
          f"{r.get('connections', '?')} connections, pipeline 1; compaction forced often (compacting) or never (quiet)")
    header = ["round", "quiet ops/s", "compacting ops/s", "p99 us q/c", "p99.9 us q/c", "max us q/c", "compactions"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        q = lambda f: get(runs, rnd, "trove-quiet", f)
        c = lambda f: get(runs, rnd, "trove-compacting", f)
        for k, v in dict(qo=q("ops_per_sec"), co=c("ops_per_sec"), q99=q("p99_us"), c99=c("p99_us"), q999=q("p999_us"),
                         c999=c("p999_us"), qm=q("max_us"), cm=c("max_us")).items():
            cols[k].append(v)
        rows.append([rnd, fmt(q("ops_per_sec")), fmt(c("ops_per_sec")), f"{fmt(q('p99_us'))}/{fmt(c('p99_us'))}",
                     f"{fmt(q('p999_us'))}/{fmt(c('p999_us'))}", f"{fmt(q('max_us'))}/{fmt(c('max_us'))}",
                     f"{fmt(q('compactions'))}/{fmt(c('compactions'))}"])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", fmt(med["qo"]), fmt(med["co"]), f"{fmt(med['q99'])}/{fmt(med['c99'])}",
                 f"{fmt(med['q999'])}/{fmt(med['c999'])}", f"{fmt(med['qm'])}/{fmt(med['cm'])}", ""])
    print(table(header, rows))
    extra = [f"  round {rnd} {s}: no compaction ran (compactions 0): the run says nothing about pauses"
             for (rnd, s), r in sorted(runs.items()) if s == "trove-compacting" and not r.get("failed") and not r.get("compactions")]
    print_notes(runs, extra)


def recovery_table(runs):
    r = next((r for r in runs.values() if not r.get("failed")), {})
    print(f"\nrecovery: {r.get('keys', '?')} items, {r.get('key_length', '?')}-byte keys, {r.get('value_size', '?')}-byte values, "
          "loaded, SIGTERM, restarted on the same directory")
    header = ["round", "log MB", "segments", "items replayed", "recovery s", "items/s", "start-up s", "curr_items"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        g = lambda f: get(runs, rnd, "trove-everysec", f)
        cols["ips"].append(g("items_per_sec"))
        cols["s"].append(g("recovery_seconds"))
        lb = g("log_bytes")
        rows.append([rnd, fmt(lb / 1e6 if lb else None, 1), fmt(g("log_segments")), fmt(g("recovery_items")),
                     fmt(g("recovery_seconds"), 3), fmt(g("items_per_sec")), fmt(g("startup_s"), 2), fmt(g("curr_items"))])
    med = {k: median(v) for k, v in cols.items()}
    rows.append(["median", "", "", "", fmt(med["s"], 3), fmt(med["ips"]), "", ""])
    print(table(header, rows))
    ips = med["ips"]
    print(f"target >= 1,000,000 items/s: {'met' if ips is not None and ips >= 1e6 else 'NOT met'} ({fmt(ips)})")
    print_notes(runs)


def rewrite_table(runs):
    r = next((r for r in runs.values() if not r.get("failed")), {})
    print(f"\nrewrite: {r.get('keys', '?')} keys of {r.get('key_length', '?')} + {r.get('value_size', '?')} bytes, each set "
          f"{r.get('passes', '?')} times, default compaction settings; live bytes = keys x (key + value length)")
    header = ["round", "written MB", "live MB", "log MB", "log/live", "engine MB", "log/engine", "compactions", "segments",
              "settled after s"]
    rows, cols = [], defaultdict(list)
    for rnd in rounds_of(runs):
        g = lambda f: get(runs, rnd, "trove-everysec", f)
        mb = lambda v: v / 1e6 if v is not None else None
        cols["r"].append(g("log_per_live"))
        rows.append([rnd, fmt(mb(g("written_bytes")), 1), fmt(mb(g("live_bytes")), 1), fmt(mb(g("log_bytes")), 1),
                     fmt(g("log_per_live"), 2), fmt(mb(g("engine_bytes")), 1), fmt(g("log_per_engine_bytes"), 2),
                     fmt(g("compactions")), fmt(g("log_segments")), fmt(g("settle_s"))])
    rows.append(["median", "", "", "", fmt(median(cols["r"]), 2), "", "", "", "", ""])
    print(table(header, rows))
    print_notes(runs)


def main():
    runs = load(sys.argv[1])
    print("store = trove --mode store --fsync everysec; cache = trove in cache mode; redis = redis-server --appendonly yes.")
    print("ops/s: higher is better; ratios above 1 favour the first named.")
    for name, scenario in runs.items():
        if name.startswith("set-"):
            set_table(name, scenario)
        elif name.startswith("always-"):
            always_table(name, scenario)
    if "pause" in runs:
        pause_table(runs["pause"])
    if "recovery" in runs:
        recovery_table(runs["recovery"])
    if "rewrite" in runs:
        rewrite_table(runs["rewrite"])


if __name__ == "__main__":
    main()
