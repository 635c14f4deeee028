// Claims the other _GLIBCXX_USE_CXX11_ABI: refused (std::string and std::map
// would not be layout-compatible). A hand-built descriptor, registered with
// the low-level SPBENCH_PLUGIN line.
#include "broken_plugin_base.hpp"

namespace spbench::test_plugins::wrong_cxx_abi {
const PluginDescriptor* entry() {
  static PluginDescriptor d = make_plugin_descriptor<NullSampler>("test-wrong-cxx-abi", "0.1.0", "wrong C++ ABI");
  d.cxx11_abi = SPBENCH_CXX11_ABI == 1 ? 0 : 1;
  return &d;
}
SPBENCH_PLUGIN(entry)
}  // namespace spbench::test_plugins::wrong_cxx_abi
