#!/usr/bin/env python3
"""The proxy study's baseline beside zero-cost rows on the same architectures.

    experiments/study/zero_cost_compare.py SCORES.csv BASELINE_PRED.csv [BASELINE_PRED.csv ...]
        [--truth nb201.csv] [--metric cifar10_test_acc]

SCORES.csv: `spbench zero-cost --archs list:BASELINE_PRED.csv --out SCORES.csv`.
BASELINE_PRED.csv: the baseline cells' predictions.csv, one per seed. Every
row is scored on the architectures that SCORES.csv holds (all of them when the
zero-cost run finished; the ones it reached otherwise), with scipy: Kendall
tau-b and Spearman of the baseline (mean +/- sd over seeds), of params and of
each proxy (undefined scores left out of that proxy's row).
"""
import argparse
import csv
import math
import os
import statistics

from scipy import stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scores")
    ap.add_argument("baseline", nargs="+")
    ap.add_argument("--truth", default=os.path.join(os.environ.get("SPBENCH_DATA_ROOT", "../shared/data"),
                                                     "nb201", "nb201.csv"))
    ap.add_argument("--metric", default="cifar10_test_acc")
    a = ap.parse_args()

    truth, params = {}, {}
    with open(a.truth) as f:
        for row in csv.DictReader(f):
            truth[int(row["index"])] = float(row[a.metric])
            params[int(row["index"])] = float(row["params_" + a.metric.split("_")[0] + "_M"])
    with open(a.scores) as f:
        reader = csv.DictReader(f)
        proxies = [c for c in reader.fieldnames if c not in ("arch", "index")]
        scores = {int(r["index"]): r for r in reader}
    sample = sorted(scores)

    def corr(pairs):
        xs, ys = zip(*pairs)
        return stats.kendalltau(xs, ys).correlation, stats.spearmanr(xs, ys).correlation, len(xs)

    rows = []
    taus, rhos = [], []
    for file in a.baseline:
        with open(file) as f:
            pred = {int(r["index"]): float(r["prediction"]) for r in csv.DictReader(f)}
        missing = [i for i in sample if i not in pred]
        if missing:
            raise SystemExit(f"{file}: {len(missing)} scored architectures missing, e.g. {missing[:3]}")
        t, r, n = corr([(pred[i], truth[i]) for i in sample])
        taus.append(t)
        rhos.append(r)
    sd = (lambda v: statistics.stdev(v)) if len(taus) > 1 else (lambda v: float("nan"))
    rows.append((f"baseline ({len(taus)} seeds)", f"{statistics.mean(taus):.3f} ± {sd(taus):.3f}",
                 f"{statistics.mean(rhos):.3f} ± {sd(rhos):.3f}", len(sample)))
    t, r, n = corr([(params[i], truth[i]) for i in sample])
    rows.append(("params", f"{t:.3f}", f"{r:.3f}", n))
    for p in proxies:
        pairs = [(float(scores[i][p]), truth[i]) for i in sample
                 if scores[i][p] != "" and math.isfinite(float(scores[i][p]))]
        t, r, n = corr(pairs)
        rows.append((p, f"{t:.3f}", f"{r:.3f}", n))
    print(f"{len(sample)} architectures of the baseline's sample, truth {a.metric}\n")
    print("| row | Kendall τ | Spearman ρ | n |\n|---|---:|---:|---:|")
    for label, t, r, n in rows:
        print(f"| {label} | {t} | {r} | {n} |")


if __name__ == "__main__":
    main()
