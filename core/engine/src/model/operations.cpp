#include "spbench/engine/model/operations.hpp"

#include "spbench/engine/model/relu_observer.hpp"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

namespace spbench::model {

namespace {
thread_local const ReluObserver* g_relu_observer = nullptr;
}  // namespace

ScopedReluObserver::ScopedReluObserver(ReluObserver observer)
    : observer_(std::move(observer)), previous_(g_relu_observer) {
  g_relu_observer = &observer_;
}

ScopedReluObserver::~ScopedReluObserver() { g_relu_observer = previous_; }

void notify_relu_input(const at::Tensor& x) {
  if (g_relu_observer) (*g_relu_observer)(x);
}

ReLUConvBNImpl::ReLUConvBNImpl(const ReLUConvBNOptions& opts) : options(opts) {
  conv = register_module(
      "conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(options.in_channels(), options.out_channels(),
                                                         options.kernel_size())
                                    .stride(options.stride())
                                    .padding(options.kernel_size() / 2)
                                    .bias(false)));
  bn = register_module("bn", torch::nn::BatchNorm2d(torch::nn::BatchNorm2dOptions(options.out_channels())
                                                        .affine(options.bn_affine())
                                                        .track_running_stats(options.bn_track_running_stats())));
}

at::Tensor ReLUConvBNImpl::forward(const at::Tensor& x) {
  notify_relu_input(x);
  return bn->forward(conv->forward(at::relu(x)));
}

bool ReLUConvBNImpl::maps_zero_to_zero() const {
  const bool batch_statistics = bn->is_training() || !options.bn_track_running_stats();
  return !options.bn_affine() && batch_statistics;
}

at::Tensor AvgPool3x3Impl::forward(const at::Tensor& x) {
  if (!x.is_cpu())
    return at::avg_pool2d(x, {3, 3}, {1, 1}, {1, 1}, /*ceil_mode=*/false, /*count_include_pad=*/false);
  const std::int64_t channels = x.size(1), height = x.size(2), width = x.size(3);
  const auto options = x.options().requires_grad(false);
  auto stale = [&x](const at::Tensor& t) {
    return !t.defined() || t.scalar_type() != x.scalar_type() || t.device() != x.device();
  };
  if (stale(ones_kernel_) || ones_kernel_.size(0) != channels)
    ones_kernel_ = at::ones({channels, 1, 3, 3}, options);
  if (stale(inverse_counts_) || inverse_counts_.size(2) != height || inverse_counts_.size(3) != width) {
    // Window sizes: the same depthwise sum applied to ones.
    const at::Tensor counts =
        at::conv2d(at::ones({1, 1, height, width}, options), at::ones({1, 1, 3, 3}, options), {}, 1, 1);
    inverse_counts_ = counts.reciprocal();
  }
  return at::conv2d(x, ones_kernel_, {}, /*stride=*/1, /*padding=*/1, /*dilation=*/1, /*groups=*/channels) *
         inverse_counts_;
}

ResNetReductionImpl::ResNetReductionImpl(std::int64_t in_channels, std::int64_t out_channels) {
  conv_a = register_module("conv_a", ReLUConvBN(ReLUConvBNOptions(in_channels, out_channels, 3).stride(2)));
  conv_b = register_module("conv_b", ReLUConvBN(ReLUConvBNOptions(out_channels, out_channels, 3)));
  shortcut = register_module(
      "shortcut", torch::nn::Conv2d(torch::nn::Conv2dOptions(in_channels, out_channels, 1).bias(false)));
}

at::Tensor ResNetReductionImpl::forward(const at::Tensor& x) {
  at::Tensor residual = shortcut_forward(x);
  return conv_b->forward(conv_a->forward(x)) + residual;
}

at::Tensor ResNetReductionImpl::shortcut_forward(const at::Tensor& x) {
  at::Tensor pooled;
  if (x.is_cpu()) {
    const std::int64_t channels = x.size(1);
    if (!quarter_kernel_.defined() || quarter_kernel_.size(0) != channels ||
        quarter_kernel_.scalar_type() != x.scalar_type())
      quarter_kernel_ = at::full({channels, 1, 2, 2}, 0.25, x.options().requires_grad(false));
    pooled = at::conv2d(x, quarter_kernel_, {}, /*stride=*/2, /*padding=*/at::IntArrayRef({0, 0}), /*dilation=*/1,
                        /*groups=*/channels);
  } else {
    pooled = at::avg_pool2d(x, {2, 2}, {2, 2});
  }
  return shortcut->forward(pooled);
}

std::shared_ptr<CandidateOp> make_default_operation(const OperationSpec& spec) {
  const bool same_shape = spec.stride == 1 && spec.in_channels == spec.out_channels;
  switch (spec.op) {
    case Op::None: return nullptr;
    case Op::SkipConnect:
    case Op::AvgPool3x3:
      if (!same_shape)
        throw std::invalid_argument(std::string(op_name(spec.op)) +
                                    " is only defined with stride 1 and equal input and output channels");
      if (spec.op == Op::SkipConnect) return std::make_shared<IdentityOpImpl>();
      return std::make_shared<AvgPool3x3Impl>();
    case Op::NorConv1x1:
    case Op::NorConv3x3:
      return std::make_shared<ReLUConvBNImpl>(
          ReLUConvBNOptions(spec.in_channels, spec.out_channels, spec.op == Op::NorConv1x1 ? 1 : 3)
              .stride(spec.stride)
              .bn_affine(spec.bn_affine)
              .bn_track_running_stats(spec.bn_track_running_stats));
  }
  throw std::invalid_argument("unknown operation");
}

}  // namespace spbench::model
