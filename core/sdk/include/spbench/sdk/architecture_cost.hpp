#pragma once
// Analytic parameter count and FLOPs of the NAS-Bench-201 stand-alone network
// (the network each benchmark architecture was trained as), computed from the
// layer shapes alone, so `spbench arch info` can show where the cost goes.
//
// The network: 3x3 conv stem (input_channels -> C, no bias) + BN; three stages
// of N cells at C, 2C, 4C channels with a ResNet basic block between stages
// (ReLU-Conv3x3/2-BN, ReLU-Conv3x3-BN, shortcut AvgPool2x2/2 then Conv1x1);
// head BN-ReLU-global average pool-Linear(4C -> classes, with bias).
// Cell edges: nor_conv_k = ReLU-Conv kxk (no bias)-BN(affine); avg_pool_3x3
// stride 1; skip_connect and none cost nothing.
//
// Counting convention (reproduces nb201.csv's params_*_M / flops_*_M for all
// 15,625 architectures and the three data sets to 1e-6 M):
//   parameters: every trainable tensor (conv weights, BN affine weight and
//     bias, linear weight and bias); BN running statistics are buffers, not
//     parameters.
//   FLOPs (per image):
//     convolution  Cin/groups * k*k * Cout * Hout*Wout (multiply-accumulates)
//     linear       in * out (the bias is not counted)
//     batch norm   2 per element (scale and shift)
//     ReLU         1 per element
//     average pool k*k per output element
//     global pool  (H+1)*(W+1) per channel. A plain mean would be H*W (+1);
//                  this is the one rule inferred from the benchmark's numbers
//                  rather than from first principles: with every other rule
//                  above fixed, it is the only per-channel term that matches
//                  both the 32x32 and the 16x16 networks.
//     additions where a cell node or the ResNet block sums its inputs are not
//     counted (skip_connect edges cost 0 in the benchmark).

#include <cstdint>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/path.hpp"

namespace spbench {

struct NetworkShape {
  int channels = 16;        // C: channels of the first stage
  int cells_per_stage = 5;  // N
  int num_classes = 10;
  int input_size = 32;  // H = W; must be divisible by 4 (two stride-2 reductions)
  int input_channels = 3;
};

// One part of the network: "stem", "cells 1" … "cells 3", "reduction 1",
// "reduction 2", "head", in network order.
struct CostPart {
  std::string name;
  std::int64_t params = 0;
  std::int64_t flops = 0;
};

struct ArchitectureCost {
  std::int64_t params = 0;
  std::int64_t flops = 0;
  double params_M = 0;  // params / 1e6, the benchmark's unit
  double flops_M = 0;   // flops / 1e6
  std::vector<CostPart> parts;
};

// Throws std::invalid_argument for a shape that does not describe a network
// (non-positive sizes, input size not divisible by 4).
ArchitectureCost architecture_cost(const CellArch& arch, const NetworkShape& shape = {});
// Without topology sharing: path.cell(i) is the i-th cell in network order
// (3 * cells_per_stage cells); a shared path uses its one cell everywhere.
ArchitectureCost architecture_cost(const Path& path, const NetworkShape& shape = {});

}  // namespace spbench
