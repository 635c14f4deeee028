// Strategy `one-shot`: a single super-network holds every candidate of the
// space, trained for all epochs and scoring every architecture.

#include <spbench/sdk/plugin.hpp>

namespace spbench::plugins::one_shot {

class OneShotStrategy final : public SupernetStrategy {
 public:
  explicit OneShotStrategy(const Options& /*options*/) {}
  // Every behaviour is the interface's default: one network, one phase,
  // default operations, route everything to network 0.
};

SPBENCH_STRATEGY(OneShotStrategy, "one-shot", "1.0.0", "one weight-sharing super-network for the whole space")

}  // namespace spbench::plugins::one_shot
