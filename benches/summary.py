#!/usr/bin/env python3
"""Prints the latest `cargo bench` figures from target/criterion as one
Markdown table (median per iteration, and MB/s where a throughput is set),
for BENCHMARKS.md. Run from the repository root after `cargo bench`."""

import json
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/criterion")


def fmt(ns):
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    return f"{ns / 1e3:.1f} µs"


rows = []
for bench in sorted(root.glob("**/new/benchmark.json")):
    meta = json.loads(bench.read_text())
    est = json.loads((bench.parent / "estimates.json").read_text())
    median = est["median"]["point_estimate"]
    lo = est["median"]["confidence_interval"]["lower_bound"]
    hi = est["median"]["confidence_interval"]["upper_bound"]
    extra = ""
    size = (meta.get("throughput") or {}).get("Bytes")
    if size:
        extra = f"{size / (median / 1e9) / 1e6:.0f} MB/s"
    rows.append((meta["full_id"], fmt(median), f"{fmt(lo)} – {fmt(hi)}", extra))

print("| benchmark | median | 95% CI of the median | throughput |")
print("|---|---|---|---|")
for row in rows:
    print("| " + " | ".join(row) + " |")
