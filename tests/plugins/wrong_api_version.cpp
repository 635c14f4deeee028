// Built "for another API version": the loader must refuse it before calling its factory.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::wrong_api {
const PluginDescriptor* entry() {
  static PluginDescriptor d = make_plugin_descriptor<NullSampler>("test-wrong-api", "0.1.0", "wrong API version");
  d.api_version = kPluginApiVersion + 1;
  return &d;
}
SPBENCH_PLUGIN(entry)
}  // namespace spbench::test_plugins::wrong_api
