#pragma once
// The NAS-Bench-201 weight-sharing super-network and stand-alone network.
//
// Macro structure (NAS-Bench-201): stem (Conv3×3 + BN) → N cells at C →
// residual reduction to 2C → N cells → reduction to 4C → N cells → head
// (BN → ReLU → global average pool → dropout → Linear). Every edge of every
// cell holds a module for each operation its SearchSpace allows (`none` has
// none); a forward pass runs only the operations a Path picks.
//
// What a forward pass computes, and why:
//  - `none` edges are skipped. A node that receives only `none` is zero; it
//    is kept as "no tensor", and an operation applied to it is skipped when
//    the operation maps zero to zero in its current mode (skip_connect,
//    avg_pool_3x3, a conv-BN without affine parameters that normalises with
//    batch statistics). Otherwise (affine BN in training, BN with running
//    statistics in evaluation, custom operations) it runs on a real zero
//    tensor, because its output is not zero.
//  - Edges whose output cannot reach node 3 are not computed: they cannot
//    change the output or any gradient. Consequence: their parameters get no
//    gradient and their BatchNorm running statistics are not updated.
//  - A cell whose node 3 is zero outputs zeros; everything before it (stem,
//    earlier cells and reductions) cannot influence the output and is not
//    computed either.
//  - Drop-path (training only): every computed edge output is multiplied by
//    a per-sample mask, dropped with probability p and scaled by 1/(1-p).
//
// The stem, the reductions and the head always use affine BatchNorm with
// running statistics, as in NAS-Bench-201; `bn_affine` and
// `bn_track_running_stats` apply to the candidate operations in the cells.

#include <ATen/core/Tensor.h>
#include <torch/arg.h>
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/candidate_op.hpp"
#include "spbench/sdk/path.hpp"
#include "spbench/sdk/run_setup.hpp"
#include "spbench/sdk/search_space.hpp"
#include "spbench/sdk/supernet_strategy.hpp"

namespace torch::nn {
class Conv2dImpl;
class BatchNorm2dImpl;
class LinearImpl;
}  // namespace torch::nn

namespace spbench::model {

class ResNetReductionImpl;

// Consulted first for every candidate operation while a super-network is
// built (SupernetStrategy::make_operation has this shape). Return nullptr for
// the default module, or the CandidateOp to use.
using OperationFactory = std::function<std::shared_ptr<CandidateOp>(const OperationSpec&)>;

// The strategy's make_operation as a factory. Every module it returns is
// bound to the strategy's library (keep_plugin_library), so that the
// network's modules keep the code they run mapped however long they live.
OperationFactory operation_factory_of(std::shared_ptr<SupernetStrategy> strategy);

struct SupernetOptions {
  SupernetOptions() = default;
  // The network part of a run setup, on `space`.
  SupernetOptions(const NetworkSetup& setup, SearchSpace space);

  TORCH_ARG(int, channels) = 16;         // C
  TORCH_ARG(int, cells_per_stage) = 5;   // N
  TORCH_ARG(int, num_classes) = 10;
  TORCH_ARG(int, input_channels) = 3;
  TORCH_ARG(SearchSpace, space);         // candidates per edge (default: all five)
  TORCH_ARG(bool, bn_affine) = true;
  TORCH_ARG(bool, bn_track_running_stats) = true;
  TORCH_ARG(double, dropout) = 0.0;      // before the classifier; 0 = no dropout
  TORCH_ARG(double, drop_path) = 0.0;    // per-edge drop probability in training
  TORCH_ARG(OperationFactory, operation_factory);
};

enum class WeightCopy {
  // Both networks hold exactly the same parameters and buffers.
  SameStructure,
  // Every parameter and buffer of the destination exists (same name, same
  // shape) in the source, which may hold more: a few-shot child network
  // whose split edge keeps one operation, warm-started from its parent.
  Subset,
};

class SupernetImpl : public torch::nn::Module {
 public:
  explicit SupernetImpl(SupernetOptions options);
  ~SupernetImpl() override;

  // Logits [B, num_classes]. A shared path puts path.cells[0] in every cell;
  // otherwise the path holds one architecture per cell (num_cells(), in
  // order). Throws std::invalid_argument for a path of the wrong length or
  // one that uses an operation this network does not hold.
  at::Tensor forward(const at::Tensor& x, const Path& path);

  const SupernetOptions& options() const { return options_; }
  int num_cells() const { return 3 * options_.cells_per_stage(); }
  // Drop-path probability from now on (schedules raise it over training).
  void set_drop_path(double p);

  // The module of `op` on `edge` of `cell`; nullptr for `none` or an
  // operation the edge does not hold.
  CandidateOp* operation(int cell, int edge, Op op) const;

  // The parameters a forward pass on `path` in the current mode computes
  // with: exactly those that receive a gradient from its loss.
  std::vector<at::Tensor> parameters_on_path(const Path& path) const;

  // Copies every parameter and buffer from `other` (no autograd). Throws
  // std::invalid_argument naming the first mismatch.
  void copy_weights_from(const SupernetImpl& other, WeightCopy mode = WeightCopy::SameStructure);

  // Which edges of one cell a forward pass on `arch` computes, in the
  // modules' current mode (the rules at the top of this header).
  struct CellPlan {
    std::array<bool, kNumEdges> computed{};
    // Edge e's input node is zero but its operation must still run (on zeros).
    std::array<bool, kNumEdges> zero_input{};
    bool output_zero = false;
  };
  CellPlan plan_cell(int cell, const CellArch& arch) const;
  // Throws std::invalid_argument as forward() does for a path it cannot run.
  void check_path(const Path& path) const;

  // The fixed parts, for forward passes that run the network piecewise
  // (evaluation/multi_path.hpp scores several paths in one pass).
  torch::nn::Conv2dImpl& stem_conv() const { return *stem_conv_; }
  torch::nn::BatchNorm2dImpl& stem_bn() const { return *stem_bn_; }
  ResNetReductionImpl& reduction(int i) const { return *reductions_.at(static_cast<std::size_t>(i)); }
  torch::nn::BatchNorm2dImpl& head_bn() const { return *head_bn_; }
  torch::nn::LinearImpl& classifier() const { return *classifier_; }

 private:
  at::Tensor run_cell(int cell, const CellArch& arch, const CellPlan& plan, const at::Tensor& x);
  at::Tensor drop_path(const at::Tensor& y) const;

  SupernetOptions options_;
  std::shared_ptr<torch::nn::Conv2dImpl> stem_conv_;
  std::shared_ptr<torch::nn::BatchNorm2dImpl> stem_bn_;
  std::array<std::shared_ptr<ResNetReductionImpl>, 2> reductions_;
  std::shared_ptr<torch::nn::BatchNorm2dImpl> head_bn_;
  std::shared_ptr<torch::nn::LinearImpl> classifier_;
  // ops_[cell][edge][op]: direct pointers (owned through the registered
  // submodules) so that a forward pass does no lookup by name.
  std::vector<std::array<std::array<CandidateOp*, kNumOps>, kNumEdges>> ops_;
};
TORCH_MODULE(Supernet);

// The space holding exactly `arch` (each edge allows only its operation).
SearchSpace single_architecture_space(const CellArch& arch);

// NAS-Bench-201's stand-alone network for `arch`: a super-network whose space
// is that single architecture (forward with Path::shared(arch)).
Supernet make_stand_alone(const CellArch& arch, const NetworkSetup& setup,
                          OperationFactory factory = {});

// Number of trainable parameter elements (what NAS-Bench-201 reports as
// "params"; buffers such as BN running statistics are not counted).
std::int64_t count_parameters(const torch::nn::Module& module);

// Makes every gradient undefined. Optimizers skip parameters without a
// gradient, so operations off the next path stay bit-identical; LibTorch
// 1.13's Optimizer::zero_grad() zero-fills instead, which lets momentum and
// weight decay keep moving them.
// Zeroes every gradient that exists and leaves undefined ones undefined
// (PyTorch's zero_grad(set_to_none=False)): a parameter once on a sampled path
// keeps a zero gradient, so SGD's weight decay and momentum still update it.
void zero_gradients(std::vector<at::Tensor>& parameters);
void reset_gradients(std::vector<at::Tensor>& parameters);
void reset_gradients(torch::nn::Module& module);

}  // namespace spbench::model
