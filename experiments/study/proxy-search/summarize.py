#!/usr/bin/env python3
"""Summarises proxy-search matrix folders: per setting (cells that differ only
by seed), mean and sd over seeds of Kendall tau scored by accuracy (the run's
own metrics.json) and by loss (predictions.csv's loss column, lower = better,
against its truth column), and the run's core-seconds (training + scoring at
one thread each).
  experiments/study/proxy-search/summarize.py RESULTS_DIR [RESULTS_DIR ...]
Kendall tau-b by scipy (Debian's python3-scipy)."""
import csv, json, os, statistics, sys
from collections import defaultdict
from scipy import stats

groups = defaultdict(list)
for results in sys.argv[1:]:
    matrix = json.load(open(os.path.join(results, "matrix.json")))
    for cell in matrix["cells"]:
        d = os.path.join(results, cell["id"])
        mf = os.path.join(d, "metrics.json")
        if not os.path.exists(mf):
            continue
        m = json.load(open(mf))
        rows = list(csv.DictReader(open(os.path.join(d, "predictions.csv"))))
        truth = [float(r["truth"]) for r in rows]
        loss_tau = stats.kendalltau([-float(r["loss"]) for r in rows], truth)[0]
        t = m["timing"]
        groups[(results, cell["group"])].append(
            (cell["name"], m["metrics"]["kendall_tau"]["value"], loss_tau,
             t["training_seconds"], t["evaluation_seconds"]))

def ms(v):
    return f"{statistics.mean(v):.3f} ± {statistics.stdev(v):.3f}" if len(v) > 1 else f"{v[0]:.3f}"

print("| results | setting | seeds | tau (accuracy) | tau (loss) | training s | scoring s | run min |")
print("|---|---|---|---|---|---|---|---|")
for (results, group), runs in groups.items():
    acc, loss = [r[1] for r in runs], [r[2] for r in runs]
    train, evals = [r[3] for r in runs], [r[4] for r in runs]
    total = statistics.median([a + b for a, b in zip(train, evals)]) / 60
    print(f"| {os.path.basename(results.rstrip('/'))} | {group} | {len(runs)} | {ms(acc)} | {ms(loss)} | "
          f"{statistics.median(train):.0f} | {statistics.median(evals):.0f} | {total:.1f} |")
