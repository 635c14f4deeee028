#pragma once
// A PluginCatalog backed by a PluginRegistry. Separate from spec.hpp because
// it pulls in the plugin interfaces; the registry must outlive the catalog.

#include "spbench/plugin_registry.hpp"
#include "spbench/spec/spec.hpp"

namespace spbench {

inline PluginCatalog plugin_catalog(const PluginRegistry& registry) {
  return PluginCatalog{
      [&registry](PluginKind kind, const std::string& name) { return registry.find(kind, name); },
      [&registry](PluginKind kind) { return registry.names(kind); }};
}

}  // namespace spbench
