#!/usr/bin/python3
"""Training-step throughput of the NAS-Bench-201 super-network in PyTorch.

The Python counterpart of bench/train_step.cpp: the same network, the same
single-path forward (none skipped, edges that cannot reach the cell output not
computed, nodes that receive only `none` kept as "zero"), the same SGD step and
the same path sequence. Run with Debian's /usr/bin/python3 (python3-torch).

Prints one line of key=value pairs; images_per_s is the median over repetitions.
"""
import argparse
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
NUM_ARCHS = 5 ** 6


class ReLUConvBN(nn.Module):
    def __init__(self, c_in, c_out, k, stride=1):
        super().__init__()
        self.conv = nn.Conv2d(c_in, c_out, k, stride=stride, padding=k // 2, bias=False)
        self.bn = nn.BatchNorm2d(c_out)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))

    def maps_zero_to_zero(self):
        return not self.bn.affine and (self.bn.training or not self.bn.track_running_stats)


class Identity(nn.Module):
    def forward(self, x):
        return x

    def maps_zero_to_zero(self):
        return True


class AvgPool3x3(nn.Module):
    # "avg": F.avg_pool2d, what a PyTorch port of NAS-Bench-201 uses.
    # "depthwise": the C++ formulation (depthwise ones convolution times the
    # reciprocal window size), to compare like with like.
    formulation = "avg"
    cache = {}

    def forward(self, x):
        if AvgPool3x3.formulation == "avg":
            return F.avg_pool2d(x, 3, 1, 1, count_include_pad=False)
        c, h, w = x.shape[1:]
        key = (c, h, w, x.dtype, x.device)
        if key not in AvgPool3x3.cache:
            ones = torch.ones(c, 1, 3, 3, dtype=x.dtype, device=x.device)
            counts = F.conv2d(torch.ones(1, 1, h, w, dtype=x.dtype, device=x.device), ones[:1], padding=1)
            AvgPool3x3.cache[key] = (ones, counts.reciprocal())
        ones, inverse_counts = AvgPool3x3.cache[key]
        return F.conv2d(x, ones, padding=1, groups=c) * inverse_counts

    def maps_zero_to_zero(self):
        return True


class Reduction(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv_a = ReLUConvBN(c_in, c_out, 3, 2)
        self.conv_b = ReLUConvBN(c_out, c_out, 3)
        self.shortcut = nn.Conv2d(c_in, c_out, 1, bias=False)

    def forward(self, x):
        return self.conv_b(self.conv_a(x)) + self.shortcut(F.avg_pool2d(x, 2, 2))


def make_op(name, c):
    if name == "skip_connect":
        return Identity()
    if name == "avg_pool_3x3":
        return AvgPool3x3()
    return ReLUConvBN(c, c, 1 if name == "nor_conv_1x1" else 3)


class Cell(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.edges = nn.ModuleList(
            nn.ModuleDict({name: make_op(name, c) for name in OPS if name != "none"}) for _ in EDGES)

    def plan(self, ops):
        live = [False, False, False, True]
        for e in reversed(range(6)):
            a, b = EDGES[e]
            if ops[e] != "none" and live[b]:
                live[a] = True
        zero = [False, True, True, True]
        plan = []
        for e, (a, b) in enumerate(EDGES):
            if ops[e] == "none" or not live[b]:
                continue
            op = self.edges[e][ops[e]]
            if zero[a] and op.maps_zero_to_zero():
                continue
            plan.append((e, a, b, op, zero[a]))
            zero[b] = False
        return plan, zero[3]

    def forward(self, x, plan):
        nodes = [x, None, None, None]
        zeros = None
        for e, a, b, op, zero_input in plan:
            if zero_input and zeros is None:
                zeros = torch.zeros_like(x)
            y = op(zeros if zero_input else nodes[a])
            nodes[b] = y if nodes[b] is None else nodes[b] + y
        return nodes[3]


class Supernet(nn.Module):
    def __init__(self, c=16, n=5, num_classes=10):
        super().__init__()
        self.c, self.n = c, n
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        self.cells = nn.ModuleList(Cell(c << (i // n)) for i in range(3 * n))
        self.reductions = nn.ModuleList([Reduction(c, 2 * c), Reduction(2 * c, 4 * c)])
        self.head_bn = nn.BatchNorm2d(4 * c)
        self.classifier = nn.Linear(4 * c, num_classes)

    def forward(self, x, ops):
        plans = [cell.plan(ops) for cell in self.cells]
        start = max((i for i, (_, zero) in enumerate(plans) if zero), default=-1)
        if start < 0:
            h = self.stem(x)
        else:
            stage = start // self.n
            hw = [x.shape[2], x.shape[3]]
            for _ in range(stage):
                hw = [(v + 1) // 2 for v in hw]
            h = torch.zeros(x.shape[0], self.c << stage, *hw, dtype=x.dtype, device=x.device)
        for i in range(start + 1, 3 * self.n):
            if i > 0 and i % self.n == 0:
                h = self.reductions[i // self.n - 1](h)
            h = self.cells[i](h, plans[i][0])
        h = F.relu(self.head_bn(h)).mean((2, 3))
        return self.classifier(h)


class PathSequence:
    """Knuth's MMIX LCG, upper bits modulo 15625: the same as the C++ bench."""

    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.state >> 33) % NUM_ARCHS


def ops_of(code):
    ops = [None] * 6
    for e in reversed(range(6)):
        ops[e] = OPS[code % 5]
        code //= 5
    return ops


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--channels", type=int, default=16)
    p.add_argument("--cells", type=int, default=5)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--steps", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--channels-last", action="store_true")
    p.add_argument("--pool", choices=["avg", "depthwise"], default="avg")
    p.add_argument("--device", default="cpu")
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                   help="bf16: the forward pass under autocast to bfloat16, as bench_train_step does")
    a = p.parse_args()
    AvgPool3x3.formulation = a.pool

    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    device = torch.device(a.device)
    net = Supernet(a.channels, a.cells).to(device)
    net.train()
    sgd = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, nesterov=True, weight_decay=5e-4)
    x = torch.rand(a.batch, 3, 32, 32, device=device)
    if a.channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (a.batch,), device=device)
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    paths = PathSequence(a.seed)

    def step():
        ops = ops_of(paths.next())
        sgd.zero_grad(set_to_none=True)
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = net(x, ops)
        F.cross_entropy(logits.float(), y).backward()
        sgd.step()

    for _ in range(a.warmup):
        step()
    sync()
    rates = []
    for _ in range(a.reps):
        t0 = time.perf_counter()
        for _ in range(a.steps):
            step()
        sync()
        rates.append(a.batch * a.steps / (time.perf_counter() - t0))
    med = statistics.median(rates)
    print(f"impl=python device={device} precision={a.precision} pool={a.pool} channels={a.channels} cells={a.cells} batch={a.batch} threads={torch.get_num_threads()} "
          f"params={sum(p.numel() for p in net.parameters())} images_per_s={med:.1f} ms_per_step={1000 * a.batch / med:.2f} min={min(rates):.1f} max={max(rates):.1f}")


if __name__ == "__main__":
    main()
