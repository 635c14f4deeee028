// Variant `drop-path`: each computed edge output of a cell is dropped per
// sample with probability p in training and rescaled by 1/(1-p); evaluation
// never drops (the super-network implements it; this sets the rate).
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::drop_path {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : p_(o.get_float("p")) {
  }

  void configure(RunSetup& setup) override {
    setup.network.drop_path = p_;
  }

 private:
  double p_;
};

const OptionSpec kOptions[] = {
    {"p", OptionType::Float, "0.1", "probability of dropping a computed edge output, per sample (training only)", nullptr, "[0, 1)"},
};

SPBENCH_VARIANT(Variant, "drop-path", "1.0.0", "drops cell edge outputs per sample in training", kOptions)

}  // namespace spbench::plugins::drop_path
