// Strategy `linear-transformers` (SCARLET-NAS's learnable linear
// transformation, as in the ranking-correlation study): inside the cells,
// `skip_connect` is a 1×1 convolution C→C without BN and bias, trained
// whenever the skip path is sampled; with `pool: true` a 1×1 convolution
// also follows `avg_pool_3x3`. Only the super-network changes: stand-alone
// networks (and their parameter counts) stay NAS-Bench-201's.

#include <spbench/sdk/candidate_op.hpp>
#include <spbench/sdk/plugin.hpp>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

namespace spbench::plugins::linear_transformers {

class LinearTransformOp final : public model::CandidateOp {
 public:
  LinearTransformOp(int channels, bool pool) : model::CandidateOp("LinearTransform"), pool_(pool) {
    if (pool_)
      avg_ = register_module("pool", torch::nn::AvgPool2d(torch::nn::AvgPool2dOptions(3).stride(1).padding(1).count_include_pad(false)));
    conv_ = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, channels, 1).bias(false)));
  }
  at::Tensor forward(const at::Tensor& x) override { return conv_->forward(pool_ ? avg_->forward(x) : x); }
  // Linear without bias (after a mean): zero in, zero out.
  bool maps_zero_to_zero() const override { return true; }

 private:
  bool pool_;
  torch::nn::AvgPool2d avg_{nullptr};
  torch::nn::Conv2d conv_{nullptr};
};

class LinearTransformersStrategy final : public SupernetStrategy {
 public:
  explicit LinearTransformersStrategy(const Options& o) : pool_(o.get_bool("pool")) {}

  std::shared_ptr<model::CandidateOp> make_operation(const OperationSpec& spec) override {
    const bool replace = spec.op == Op::SkipConnect || (pool_ && spec.op == Op::AvgPool3x3);
    if (!replace || spec.stride != 1 || spec.in_channels != spec.out_channels) return nullptr;
    return std::make_shared<LinearTransformOp>(spec.in_channels, spec.op == Op::AvgPool3x3);
  }

 private:
  bool pool_;
};

const OptionSpec kOptions[] = {
    bool_option("pool", "false",
        "also put a 1×1 convolution after avg_pool_3x3"),
};

SPBENCH_STRATEGY(LinearTransformersStrategy, "linear-transformers", "1.0.0",
                 "skip_connect (and optionally avg_pool_3x3) become learnable 1×1 convolutions", kOptions)

}  // namespace spbench::plugins::linear_transformers
