// Variant `bn`: BatchNorm options of the candidate operations (the usual
// one-shot choice is affine: false, track_running_stats: false).
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::bn {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : affine_(o.get_bool("affine")), track_(o.get_bool("track_running_stats")) {}

  void configure(RunSetup& setup) override {
    setup.network.bn_affine = affine_;
    setup.network.bn_track_running_stats = track_;
  }

 private:
  bool affine_;
  bool track_;
};

const OptionSpec kOptions[] = {
    bool_option("affine", "true",
        "learnable BN scale and shift in the cell operations"),
    bool_option("track_running_stats", "true",
        "keep running statistics (false: batch statistics also at evaluation)"),
};

SPBENCH_VARIANT(Variant, "bn", "1.0.0",
                "BatchNorm options of the cell operations (affine, running statistics)", kOptions)

}  // namespace spbench::plugins::bn
