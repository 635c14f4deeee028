// Variant `dropout`: dropout on the pooled features before the classifier.
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::dropout {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : p_(o.get_float("p")) {
  }

  void configure(RunSetup& setup) override {
    setup.network.dropout = p_;
  }

 private:
  double p_;
};

const OptionSpec kOptions[] = {
    float_option("p", "0.2",
        "probability of zeroing a feature before the classifier (training only)")
        .with_range("[0, 1)"),
};

SPBENCH_VARIANT(Variant, "dropout", "1.0.0", "dropout before the classifier (training only)", kOptions)

}  // namespace spbench::plugins::dropout
