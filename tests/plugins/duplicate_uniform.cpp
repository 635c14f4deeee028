// A second plugin called "uniform": refused as a duplicate of the bundled one.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::duplicate {
const PluginDescriptor* entry() {
  static const PluginDescriptor d = make_plugin_descriptor<NullSampler>("uniform", "9.9.9", "impostor");
  return &d;
}
}  // namespace spbench::test_plugins::duplicate
SPBENCH_PLUGIN(spbench::test_plugins::duplicate::entry)
