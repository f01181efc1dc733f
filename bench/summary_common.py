"""Helpers shared by the benchmark summaries (summarize.py, cluster_summarize.py, store_summarize.py)."""
import json
import statistics
from collections import defaultdict


def load(path):
    """runs.jsonl as scenario -> {(round, server): record}."""
    runs = defaultdict(dict)
    with open(path) as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                runs[r["scenario"]][(r["round"], r["server"])] = r
    return runs


def rounds_of(runs):
    return sorted({rnd for rnd, _ in runs})


def fmt(value, digits=0, suffix="", missing="failed"):
    """A number with thousands separators, or `missing` when the run produced none."""
    if value is None:
        return missing
    return f"{value:,.{digits}f}{suffix}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def ratio(a, b):
    return a / b if a is not None and b else None


def table(header, rows):
    """Columns padded to their widest cell: the first left-aligned, the others right-aligned."""
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]
    line = lambda row: "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([line(header)] + [line(r) for r in rows])
