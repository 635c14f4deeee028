// Variant `weight-decay`: the decay value and its parameter groups.
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::weight_decay {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : value_(o.get_float("value")), exclude_(o.get_bool("exclude_bn_and_bias")) {
  }

  void configure(RunSetup& setup) override {
    setup.optimizer.weight_decay = value_;
    setup.optimizer.weight_decay_on_bn_and_bias = !exclude_;
  }

 private:
  double value_;
  bool exclude_;
};

const OptionSpec kOptions[] = {
    float_option("value", "0.0005",
        "L2 weight decay of SGD")
        .with_range(">= 0"),
    bool_option("exclude_bn_and_bias", "false",
        "no decay on BN scales/shifts and biases (1-D parameters)"),
};

SPBENCH_VARIANT(Variant, "weight-decay", "1.0.0",
                "sets the weight decay and whether BN and bias parameters get it", kOptions)

}  // namespace spbench::plugins::weight_decay
