// Strategy `one-shot`: a single super-network holds every candidate of the
// space, trained for all epochs and scoring every architecture.

#include <spbench/plugin.hpp>

namespace spbench::plugins::one_shot {

class OneShotStrategy final : public SupernetStrategy {
 public:
  explicit OneShotStrategy(const Options& /*options*/) {}
  // Every behaviour is the interface's default: one network, one phase,
  // default operations, route everything to network 0.
};

const PluginDescriptor* entry() {
  static const PluginDescriptor descriptor = make_plugin_descriptor<OneShotStrategy>(
      "one-shot", "1.0.0", "one weight-sharing super-network for the whole space");
  return &descriptor;
}

}  // namespace spbench::plugins::one_shot

SPBENCH_PLUGIN(spbench::plugins::one_shot::entry)
