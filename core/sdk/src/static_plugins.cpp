// The process-wide list of statically linked plugins (SPBENCH_PLUGIN_STATIC).
// It lives in the SDK, beside the macro that fills it, so that a plugin
// compiled into a test executable needs nothing above the SDK to register.

#include <mutex>
#include <vector>

#include "spbench/sdk/plugin.hpp"

namespace spbench {
namespace {

std::mutex& static_mutex() {
  static std::mutex m;
  return m;
}
std::vector<const PluginDescriptor*>& static_list() {
  static std::vector<const PluginDescriptor*> list;
  return list;
}

}  // namespace

StaticPluginRegistrar::StaticPluginRegistrar(const PluginDescriptor* (*entry)()) {
  std::lock_guard<std::mutex> lock(static_mutex());
  static_list().push_back(entry());
}

std::vector<const PluginDescriptor*> static_plugin_descriptors() {
  std::lock_guard<std::mutex> lock(static_mutex());
  return static_list();
}

}  // namespace spbench
