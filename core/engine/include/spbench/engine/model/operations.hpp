#pragma once
// The NAS-Bench-201 building blocks: the candidate operations of a cell and
// the fixed parts of the macro network (stem, residual reduction, head).
//
// Including this header pulls in LibTorch's convolution and normalisation
// modules; code that only drives a super-network needs supernet.hpp alone.

#include <torch/arg.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/pimpl.h>

#include <cstdint>
#include <memory>

#include "spbench/sdk/candidate_op.hpp"
#include "spbench/sdk/supernet_strategy.hpp"

namespace spbench::model {

struct ReLUConvBNOptions {
  ReLUConvBNOptions(std::int64_t in_channels, std::int64_t out_channels, std::int64_t kernel_size)
      : in_channels_(in_channels), out_channels_(out_channels), kernel_size_(kernel_size) {}
  TORCH_ARG(std::int64_t, in_channels);
  TORCH_ARG(std::int64_t, out_channels);
  TORCH_ARG(std::int64_t, kernel_size);
  TORCH_ARG(std::int64_t, stride) = 1;
  TORCH_ARG(bool, bn_affine) = true;
  TORCH_ARG(bool, bn_track_running_stats) = true;
};

// ReLU → Conv k×k (no bias, padding k/2) → BatchNorm: NAS-Bench-201's
// nor_conv_1x1 / nor_conv_3x3, also the two halves of the reduction block.
class ReLUConvBNImpl : public CandidateOp {
 public:
  explicit ReLUConvBNImpl(const ReLUConvBNOptions& options);
  at::Tensor forward(const at::Tensor& x) override;
  // conv(relu(0)) = 0, and BN maps 0 to 0 only without affine parameters and
  // when it normalises with batch statistics (training, or no running stats).
  bool maps_zero_to_zero() const override;

  ReLUConvBNOptions options;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(ReLUConvBN);

// skip_connect inside a cell (stride 1): returns its input unchanged.
class IdentityOpImpl : public CandidateOp {
 public:
  at::Tensor forward(const at::Tensor& x) override { return x; }
  bool maps_zero_to_zero() const override { return true; }
};
TORCH_MODULE(IdentityOp);

// avg_pool_3x3: stride 1, padding 1, padding excluded from the average.
//
// On the CPU it is computed as a depthwise 3×3 convolution with a ones kernel
// times the reciprocal of the per-position window size (9 inside, 6 on edges,
// 4 in corners): LibTorch's avg_pool2d CPU kernel and its backward are 3–7×
// slower than oneDNN's depthwise convolution at NAS-Bench-201's sizes and
// took about half of a training step. Other devices use avg_pool2d.
// The constant kernel and reciprocal map are cached, not registered: they
// are not state.
class AvgPool3x3Impl : public CandidateOp {
 public:
  at::Tensor forward(const at::Tensor& x) override;
  bool maps_zero_to_zero() const override { return true; }

 private:
  at::Tensor ones_kernel_;     // [C, 1, 3, 3]
  at::Tensor inverse_counts_;  // [1, 1, H, W]
};
TORCH_MODULE(AvgPool3x3);

// The residual block between stages: conv_b(conv_a(x)) + shortcut(x), with
// conv_a a stride-2 ReLUConvBN 3×3, conv_b a ReLUConvBN 3×3 and the shortcut
// AvgPool2d(2, 2) followed by a bias-free 1×1 convolution. On the CPU the
// pooling is a depthwise 2×2 stride-2 convolution with a kernel of 1/4 (the
// same function, several times faster than avg_pool2d there).
class ResNetReductionImpl : public CandidateOp {
 public:
  ResNetReductionImpl(std::int64_t in_channels, std::int64_t out_channels);
  at::Tensor forward(const at::Tensor& x) override;
  // The shortcut branch alone (pooling, then the 1×1 convolution): it holds
  // no BatchNorm, so a multi-path forward (evaluation/multi_path.hpp) runs it
  // on a stack of paths as it is.
  at::Tensor shortcut_forward(const at::Tensor& x);

  ReLUConvBN conv_a{nullptr};
  ReLUConvBN conv_b{nullptr};
  torch::nn::Conv2d shortcut{nullptr};

 private:
  at::Tensor quarter_kernel_;  // [C_in, 1, 2, 2], cached, not state
};
TORCH_MODULE(ResNetReduction);

// The default module for a candidate operation; nullptr for Op::None, which
// has no module. Throws std::invalid_argument for a spec the cell cannot use
// (skip_connect or avg_pool_3x3 that change shape).
std::shared_ptr<CandidateOp> make_default_operation(const OperationSpec& spec);

}  // namespace spbench::model
