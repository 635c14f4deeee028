#!/usr/bin/env python3
"""Independent check of `spbench zero-cost` scores: Spearman and Kendall of
each proxy column against a NAS-Bench-201 column (scipy), beside the figures
Abdelfattah et al. publish for all 15,625 architectures (zero-cost-nas,
notebooks/nasbench201_correlations.ipynb: |Spearman|, NaN omitted), and the
seconds per architecture per proxy from the cache entries.

    bench/zero_cost_correlations.py SCORES.csv [--truth nb201.csv]
        [--metric cifar10_test_acc] [--cache DIR]
"""
import argparse
import csv
import glob
import json
import math
import os
import sys

from scipy import stats

PUBLISHED = {"synflow": 0.737, "jacob_cov": 0.731, "snip": 0.596, "grad_norm": 0.594}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("--truth", default=os.path.join(os.environ.get("SPBENCH_DATA_ROOT", "../shared/data"),
                                                     "nb201", "nb201.csv"))
    ap.add_argument("--metric", default="cifar10_test_acc")
    ap.add_argument("--cache", help="zero-cost cache folder: seconds per architecture from its entries")
    a = ap.parse_args()

    truth = {}
    with open(a.truth) as f:
        for row in csv.DictReader(f):
            truth[int(row["index"])] = float(row[a.metric])
    with open(a.scores) as f:
        reader = csv.DictReader(f)
        proxies = [c for c in reader.fieldnames if c not in ("arch", "index")]
        rows = list(reader)

    seconds = {}
    if a.cache:
        for cfg in glob.glob(os.path.join(a.cache, "*", "config.json")):
            proxy = json.load(open(cfg))["proxy"]
            wanted = {int(r["index"]) for r in rows}
            vals = []
            for entry in glob.glob(os.path.join(os.path.dirname(cfg), "*.json")):
                if entry.endswith("config.json"):
                    continue
                e = json.load(open(entry))
                if e["index"] in wanted:
                    vals.append(e["seconds"])
            if vals:
                seconds[proxy] = sum(vals) / len(vals)

    print(f"{len(rows)} architectures, truth {a.metric}\n")
    print("| proxy | n | Spearman | |Spearman| | published (all 15,625) | difference | Kendall tau | s/arch |")
    print("|---|---|---|---|---|---|---|---|")
    for p in proxies:
        xs, ys = [], []
        for r in rows:
            v = r[p]
            if v == "" or not math.isfinite(float(v)):
                continue
            xs.append(float(v))
            ys.append(truth[int(r["index"])])
        rho = stats.spearmanr(xs, ys).correlation
        tau = stats.kendalltau(xs, ys).correlation
        pub = PUBLISHED.get(p)
        diff = f"{abs(rho) - pub:+.3f}" if pub is not None else "–"
        sec = f"{seconds[p]:.2f}" if p in seconds else "–"
        print(f"| {p} | {len(xs)} | {rho:.3f} | {abs(rho):.3f} | {pub if pub is not None else '–'} | {diff} | "
              f"{tau:.3f} | {sec} |")


if __name__ == "__main__":
    sys.exit(main())
