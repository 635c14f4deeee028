#!/usr/bin/env python3
"""Writes the predictions.csv of the golden table's cells (results/<id>/):
one ground truth for every cell (so the paired comparison can join them)
and predictions = truth + noise, the noise's size set per row and drawn per
seed. Deterministic (random.Random with a fixed seed per cell), so rerunning
it changes nothing; the golden tables depend on these files.

    python3 tests/golden/table/make-predictions.py
"""
import os
import random

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "results")
ARCH = "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|none~1|none~2|"
N = 40
# cell id -> (noise sd of its row, seed of its draws)
CELLS = {
    "c0a1b2c3": (3.0, 100),  # uniform, one-shot, seeds 0..2 (the baseline)
    "c1d2e3f4": (3.0, 101),
    "c2e3f4a5": (3.0, 102),
    "d0a1b2c3": (1.0, 200),  # strict-fair, one-shot: less noise, a better ranking
    "f0a9b8c7": (9.0, 300),  # few-shot on two ops: much more noise
}


def truth(i):
    return round(80.0 + 0.35 * i + 0.8 * ((i * 7) % 5) / 5.0, 3)


def main():
    for cell, (sd, seed) in CELLS.items():
        rng = random.Random(seed)
        lines = ["arch,index,prediction,loss,truth"]
        for i in range(N):
            t = truth(i)
            loss = round(2.0 - (t - 80.0) / 20.0 + rng.gauss(0.0, sd) / 20.0, 6)
            lines.append(f"{ARCH},{i},{-loss!r},{loss!r},{t!r}")
        with open(os.path.join(HERE, cell, "predictions.csv"), "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
