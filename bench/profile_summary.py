#!/usr/bin/env python3
"""Self time per operator of Chrome traces written by LibTorch's profiler
(bench_evaluation --profile), side by side.

    python3 bench/profile_summary.py A.json [B.json ...] [--top 15]

Self time: an event's duration less that of the events nested in it on the
same thread, so that aten::conv2d and the mkldnn_convolution it calls are not
counted twice. Prints a Markdown table: operator, then per trace its self
milliseconds, share of the trace's total and call count.
"""
import argparse
import collections
import json
import os


def self_times(path):
    text = open(path).read().strip()
    # The legacy profiler may leave a trailing comma before the closing bracket.
    if text.endswith(",]"):
        text = text[:-2] + "]"
    data = json.loads(text)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = collections.defaultdict(list)
    for e in events:
        if e.get("ph") == "X" and "dur" in e:
            by_thread[e.get("tid", 0)].append((float(e["ts"]), float(e["dur"]), e["name"]))
    ms = collections.Counter()
    calls = collections.Counter()
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e[0], -e[1]))
        stack = []  # [end, name, child time]
        def close(item):
            end, name, dur, child = item
            ms[name] += (dur - child) / 1000.0
        for ts, dur, name in evs:
            while stack and stack[-1][0] <= ts:
                close(stack.pop())
            if stack:
                stack[-1][3] += dur
            stack.append([ts + dur, name, dur, 0.0])
            calls[name] += 1
        while stack:
            close(stack.pop())
    return ms, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("traces", nargs="+")
    ap.add_argument("--top", type=int, default=15)
    args = ap.parse_args()
    results = [self_times(p) for p in args.traces]
    totals = [sum(ms.values()) for ms, _ in results]
    union = collections.Counter()
    for ms, _ in results:
        union.update(ms)
    names = [n for n, _ in union.most_common(args.top)]
    head = "| operator |" + "".join(f" {os.path.basename(p)}: self ms | share | calls |" for p in args.traces)
    print(head)
    print("|---|" + "---:|---:|---:|" * len(args.traces))
    for n in names:
        row = f"| {n} |"
        for (ms, calls), total in zip(results, totals):
            row += f" {ms[n]:.0f} | {100 * ms[n] / total if total else 0:.1f} % | {calls[n]} |"
        print(row)
    print("| total |" + "".join(f" {t:.0f} | 100 % | {sum(c.values())} |" for t, (_, c) in zip(totals, results)))


if __name__ == "__main__":
    main()
