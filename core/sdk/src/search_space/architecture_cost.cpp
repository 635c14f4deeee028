#include "spbench/sdk/architecture_cost.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace spbench {
namespace {

// Accumulates one part's cost layer by layer; the rules are those of the
// header comment. Feature maps are square (H = W) throughout.
struct Tally {
  std::int64_t params = 0;
  std::int64_t flops = 0;

  // Returns the output size (padding k/2).
  std::int64_t conv(std::int64_t cin, std::int64_t cout, std::int64_t k, std::int64_t stride, std::int64_t h) {
    const std::int64_t out = (h + 2 * (k / 2) - k) / stride + 1;
    params += cin * cout * k * k;
    flops += cin * k * k * cout * out * out;
    return out;
  }
  void batch_norm(std::int64_t c, std::int64_t h) {
    params += 2 * c;
    flops += 2 * c * h * h;
  }
  void relu(std::int64_t c, std::int64_t h) { flops += c * h * h; }
  void avg_pool(std::int64_t c, std::int64_t k, std::int64_t out) { flops += k * k * c * out * out; }
  void global_pool(std::int64_t c, std::int64_t h) { flops += c * (h + 1) * (h + 1); }
  void linear(std::int64_t in, std::int64_t out) {
    params += in * out + out;
    flops += in * out;
  }
  // ReLU-Conv-BN as used by cell edges and the ResNet block.
  std::int64_t relu_conv_bn(std::int64_t cin, std::int64_t cout, std::int64_t k, std::int64_t stride,
                            std::int64_t h) {
    relu(cin, h);
    const std::int64_t out = conv(cin, cout, k, stride, h);
    batch_norm(cout, out);
    return out;
  }
};

void cell(Tally& t, const CellArch& arch, std::int64_t c, std::int64_t h) {
  for (Op op : arch.ops) {
    switch (op) {
      case Op::None:
      case Op::SkipConnect: break;
      case Op::NorConv1x1: t.relu_conv_bn(c, c, 1, 1, h); break;
      case Op::NorConv3x3: t.relu_conv_bn(c, c, 3, 1, h); break;
      case Op::AvgPool3x3: t.avg_pool(c, 3, h); break;
    }
  }
}

// NAS-Bench-201's ResNetBasicblock with stride 2; returns the output size.
std::int64_t reduction(Tally& t, std::int64_t cin, std::int64_t cout, std::int64_t h) {
  const std::int64_t out = t.relu_conv_bn(cin, cout, 3, 2, h);
  t.relu_conv_bn(cout, cout, 3, 1, out);
  t.avg_pool(cin, 2, out);
  t.conv(cin, cout, 1, 1, out);
  return out;
}

void check(const NetworkShape& s) {
  if (s.channels <= 0 || s.cells_per_stage < 0 || s.num_classes <= 0 || s.input_channels <= 0 ||
      s.input_size <= 0 || s.input_size % 4 != 0)
    throw std::invalid_argument(fmt::format(
        "invalid network shape (C={}, N={}, classes={}, input {}x{}x{}): sizes must be positive and the "
        "input size divisible by 4",
        s.channels, s.cells_per_stage, s.num_classes, s.input_channels, s.input_size, s.input_size));
}

}  // namespace

ArchitectureCost architecture_cost(const Path& path, const NetworkShape& shape) {
  check(shape);
  if (!path.is_shared() && path.cells.size() != static_cast<std::size_t>(3 * shape.cells_per_stage))
    throw std::invalid_argument(fmt::format("path has {} cells; the network has {}", path.cells.size(),
                                            3 * shape.cells_per_stage));
  if (path.cells.empty()) throw std::invalid_argument("path has no cells");

  ArchitectureCost cost;
  auto add = [&](std::string name, const Tally& t) {
    cost.parts.push_back({std::move(name), t.params, t.flops});
    cost.params += t.params;
    cost.flops += t.flops;
  };

  std::int64_t c = shape.channels;
  std::int64_t h = shape.input_size;
  {
    Tally t;
    h = t.conv(shape.input_channels, c, 3, 1, h);
    t.batch_norm(c, h);
    add("stem", t);
  }
  std::size_t next_cell = 0;
  for (int stage = 0; stage < 3; ++stage) {
    if (stage > 0) {
      Tally t;
      h = reduction(t, c, 2 * c, h);
      c *= 2;
      add(fmt::format("reduction {}", stage), t);
    }
    Tally t;
    for (int i = 0; i < shape.cells_per_stage; ++i) cell(t, path.cell(next_cell++), c, h);
    add(fmt::format("cells {}", stage + 1), t);
  }
  {
    Tally t;
    t.batch_norm(c, h);
    t.relu(c, h);
    t.global_pool(c, h);
    t.linear(c, shape.num_classes);
    add("head", t);
  }
  cost.params_M = static_cast<double>(cost.params) / 1e6;
  cost.flops_M = static_cast<double>(cost.flops) / 1e6;
  return cost;
}

ArchitectureCost architecture_cost(const CellArch& arch, const NetworkShape& shape) {
  return architecture_cost(Path::shared(arch), shape);
}

}  // namespace spbench
