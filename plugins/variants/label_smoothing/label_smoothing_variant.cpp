// Variant `label-smoothing`: the target distribution puts 1-ε on the label
// and spreads ε uniformly over all K classes. As a loss:
//   L_ls = (1-ε)·L + ε·mean_k(-log softmax(z)_k)
// which is exact for hard and soft (mixup) targets alike, so it composes with
// any variant that changed the targets before.

#include <ATen/ATen.h>
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::label_smoothing {

class LabelSmoothing final : public TrainingVariant {
 public:
  explicit LabelSmoothing(const Options& options) : epsilon_(options.get_float("epsilon")) {
  }

  at::Tensor loss(const at::Tensor& loss, const at::Tensor& logits, const Batch& /*batch*/,
                  TrainingContext& /*ctx*/) override {
    const at::Tensor uniform = -at::log_softmax(logits.to(at::kFloat), 1).mean(1).mean();
    return loss * (1.0 - epsilon_) + uniform * epsilon_;
  }

 private:
  double epsilon_;
};

const OptionSpec kOptions[] = {
    float_option("epsilon", "0.1",
        "probability mass spread uniformly over all classes")
        .with_range("[0, 1)"),
};

SPBENCH_VARIANT(LabelSmoothing, "label-smoothing", "1.0.0",
                "smooths the training targets (loss (1-e)·CE + e·uniform CE)", kOptions)

}  // namespace spbench::plugins::label_smoothing
