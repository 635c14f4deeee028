// Variant `no-topology-sharing`: in training every cell gets its own
// architecture (the sampler is asked for per-cell paths); evaluation still
// puts the NAS-Bench-201 cell in every cell.
#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::no_topology_sharing {

class Variant final : public TrainingVariant {
 public:
  explicit Variant(const Options& o) : enabled_(o.get_bool("enabled")) {}

  void configure(RunSetup& setup) override {
    if (enabled_) setup.topology_sharing = false;
  }

 private:
  bool enabled_;
};

const OptionSpec kOptions[] = {
    bool_option("enabled", "true",
        "every cell samples its own architecture in training"),
};

SPBENCH_VARIANT(Variant, "no-topology-sharing", "1.0.0",
                "cells sample their architectures independently in training", kOptions)

}  // namespace spbench::plugins::no_topology_sharing
