#!/usr/bin/python3
"""Python reference for bench_evaluation: the NAS-Bench-201 super-network
(stem, 3 stages of N cells, ResNet reductions, head) scoring single paths in
eval mode without gradients, in images/s and GFLOP/s (the same analytic
FLOP count as spbench's architecture_cost, computed here from the layer
shapes). Run with Debian's /usr/bin/python3 (python3-torch).

Usage: bench/evaluation.py [--threads T] [--archs K] [--batch B] [--size S]
"""
import argparse
import random
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]


class ReLUConvBN(nn.Module):
    def __init__(self, cin, cout, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class Reduction(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3)
        self.short = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.b(self.a(x)) + self.short(F.avg_pool2d(x, 2, 2))


class Supernet(nn.Module):
    def __init__(self, C, N, classes=10):
        super().__init__()
        self.N = N
        self.stem = nn.Sequential(nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C))
        self.cells = nn.ModuleList()
        self.reductions = nn.ModuleList()
        for c in range(3 * N):
            ch = C << (c // N)
            if c > 0 and c % N == 0:
                self.reductions.append(Reduction(ch // 2, ch))
            self.cells.append(nn.ModuleList(
                nn.ModuleDict({"nor_conv_1x1": ReLUConvBN(ch, ch, 1), "nor_conv_3x3": ReLUConvBN(ch, ch, 3)})
                for _ in EDGES))
        self.head_bn = nn.BatchNorm2d(4 * C)
        self.classifier = nn.Linear(4 * C, classes)

    def cell(self, c, arch, x):
        nodes = [x, None, None, None]
        for e, (src, dst) in enumerate(EDGES):
            op = arch[e]
            if op == "none" or nodes[src] is None:
                continue
            h = nodes[src]
            if op == "skip_connect":
                y = h
            elif op == "avg_pool_3x3":
                y = F.avg_pool2d(h, 3, 1, 1, count_include_pad=False)
            else:
                y = self.cells[c][e][op](h)
            nodes[dst] = y if nodes[dst] is None else nodes[dst] + y
        return nodes[3] if nodes[3] is not None else torch.zeros_like(x)

    def forward(self, x, arch):
        h = self.stem(x)
        for c in range(3 * self.N):
            if c > 0 and c % self.N == 0:
                h = self.reductions[c // self.N - 1](h)
            h = self.cell(c, arch, h)
        h = F.relu(self.head_bn(h)).mean((2, 3))
        return self.classifier(h)


def flops(arch, C, N, size, classes=10):
    """Per-image FLOPs with spbench's counting convention (architecture_cost.hpp)."""
    def conv(cin, cout, k, hw):
        return cin * k * k * cout * hw * hw
    total = conv(3, C, 3, size) + 2 * C * size * size
    hw = size
    for c in range(3 * N):
        ch = C << (c // N)
        if c > 0 and c % N == 0:
            cin, hw = ch // 2, hw // 2
            total += cin * (2 * hw) ** 2 + conv(cin, ch, 3, hw) + 2 * ch * hw * hw      # relu, conv/2, bn
            total += ch * hw * hw + conv(ch, ch, 3, hw) + 2 * ch * hw * hw            # relu, conv, bn
            total += 4 * cin * hw * hw + conv(cin, ch, 1, hw)                         # pool, 1x1
        for op in arch:
            if op in ("nor_conv_1x1", "nor_conv_3x3"):
                k = 1 if op == "nor_conv_1x1" else 3
                total += ch * hw * hw + conv(ch, ch, k, hw) + 2 * ch * hw * hw
            elif op == "avg_pool_3x3":
                total += 9 * ch * hw * hw
    total += 2 * 4 * C * hw * hw + 4 * C * hw * hw + 4 * C * (hw + 1) * (hw + 1) + 4 * C * classes
    return total


def has_path(arch):
    reach = {0}
    for e, (s, d) in enumerate(EDGES):
        if arch[e] != "none" and s in reach:
            reach.add(d)
    return 3 in reach


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--archs", type=int, default=20)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--size", type=int, default=32)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    n = 2048
    m1, m2 = torch.randn(n, n), torch.randn(n, n)
    torch.mm(m1, m2)
    best = 0
    for _ in range(3):
        t = time.perf_counter()
        torch.mm(m1, m2)
        best = max(best, 2 * n ** 3 / (time.perf_counter() - t) / 1e9)
    print(f"python torch {torch.__version__}, threads {a.threads}; fp32 matmul 2048^3 (peak estimate): {best:.1f} GFLOP/s")
    rng = random.Random(1)
    for C, N in ((8, 1), (16, 5)):
        torch.manual_seed(0)
        net = Supernet(C, N).eval()
        x = torch.randn(a.batch, 3, a.size, a.size)
        archs = []
        while len(archs) < a.archs:
            arch = [rng.choice(OPS) for _ in EDGES]
            if has_path(arch):
                archs.append(arch)
        with torch.no_grad():
            net(x, archs[0])
            t = time.perf_counter()
            for arch in archs:
                net(x, arch)
            s = time.perf_counter() - t
        fl = sum(flops(arch, C, N, a.size) for arch in archs) * a.batch
        print(f"C={C:<2} N={N} {a.size}x{a.size} batch {a.batch}: {a.archs * a.batch / s:8.0f} images/s  "
              f"{fl / s / 1e9:6.2f} GFLOP/s  ({a.archs} random paths, {s:.2f} s)")


if __name__ == "__main__":
    main()
