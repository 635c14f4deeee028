#pragma once
// A PluginCatalog backed by a PluginRegistry. Only declarations: the spec
// headers and the spec tests stay free of the plugin interfaces (and of
// LibTorch's headers, whose glog CHECK macro would clash with Catch's).

#include "spbench/engine/spec/spec.hpp"

namespace spbench {

class PluginRegistry;

// The registry must outlive the catalog.
PluginCatalog plugin_catalog(const PluginRegistry& registry);

}  // namespace spbench
