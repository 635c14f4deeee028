// One library registering the same name twice: refused as a whole (neither
// plugin is registered).
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::duplicate_in_library {
SPBENCH_SAMPLER(NullSampler, "test-twice", "0.1.0", "first")
SPBENCH_SAMPLER(NullSampler, "test-twice", "0.2.0", "second")
}  // namespace spbench::test_plugins::duplicate_in_library
