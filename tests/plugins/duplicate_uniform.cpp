// A second plugin called "uniform": refused as a duplicate of the bundled one.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::duplicate {
SPBENCH_SAMPLER(NullSampler, "uniform", "9.9.9", "impostor")
}  // namespace spbench::test_plugins::duplicate
