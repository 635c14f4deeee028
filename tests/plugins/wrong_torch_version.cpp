// Claims another LibTorch: refused (objects would not be layout-compatible).
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::wrong_torch {
const PluginDescriptor* entry() {
  static PluginDescriptor d = make_plugin_descriptor<NullSampler>("test-wrong-torch", "0.1.0", "wrong LibTorch");
  d.torch_version = "0.0.1";
  return &d;
}
SPBENCH_PLUGIN(entry)
}  // namespace spbench::test_plugins::wrong_torch
