// Variant `flooding`: keeps the training loss from falling below a level b by
// back-propagating |loss − b| + b (Ishida et al., 2020, "Do We Need Zero
// Training Loss After Achieving Zero Training Error?"). Above b nothing
// changes; below it the gradient's sign flips, which acts as a regulariser.

#include <spbench/sdk/plugin.hpp>

namespace my_plugins::flooding {

using namespace spbench;

class Flooding final : public TrainingVariant {
 public:
  explicit Flooding(const Options& options) : level_(options.get_float("level")) {
  }

  // A variant overrides only the hooks it needs; all others do nothing.
  at::Tensor loss(const at::Tensor& loss, const at::Tensor& /*logits*/, const Batch& /*batch*/,
                  TrainingContext& /*ctx*/) override {
    return loss.sub(level_).abs().add(level_);
  }

 private:
  double level_;
};

const OptionSpec kOptions[] = {
    float_option("level", "0.05",
        "the flood level b: the loss is kept around it instead of below")
        .with_range(">= 0"),
};

SPBENCH_VARIANT(Flooding, "flooding", "0.1.0",
                "keeps the training loss near a flood level (|loss - b| + b)", kOptions)

}  // namespace my_plugins::flooding
