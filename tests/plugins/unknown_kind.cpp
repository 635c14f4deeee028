// Declares a kind the core does not know.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::unknown_kind {
const PluginDescriptor* entry() {
  static PluginDescriptor d = make_plugin_descriptor<NullSampler>("test-unknown-kind", "0.1.0", "unknown kind");
  d.kind = 7;
  return &d;
}
SPBENCH_PLUGIN(entry)
}  // namespace spbench::test_plugins::unknown_kind
