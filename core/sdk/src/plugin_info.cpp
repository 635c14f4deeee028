#include "spbench/sdk/plugin_info.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spbench/sdk/option_parsing.hpp"
#include "spbench/util/yaml/diagnostic.hpp"

namespace spbench {

std::string_view plugin_kind_name(PluginKind kind) {
  switch (kind) {
    case PluginKind::Sampler: return "sampler";
    case PluginKind::Strategy: return "strategy";
    case PluginKind::Variant: return "variant";
  }
  return "unknown";
}

const OptionInfo* PluginInfo::option(const std::string& option_name) const {
  for (const auto& o : options)
    if (o.name == option_name) return &o;
  return nullptr;
}

Options PluginInfo::default_options() const {
  Options result;
  for (const auto& o : options) result.set(o.name, parse_option_value(o, o.default_yaml));
  return result;
}

Options PluginInfo::complete_options(const Options& given) const {
  std::vector<std::string> names;
  for (const auto& o : options) names.push_back(o.name);
  for (const auto& [name, value] : given.values()) {
    if (option(name)) continue;
    std::string message = fmt::format("{} '{}' has no option '{}'", plugin_kind_name(kind), this->name, name);
    if (std::string close = closest_match(name, names); !close.empty())
      message += fmt::format(" (did you mean '{}'?)", close);
    throw OptionError(name, message);
  }
  Options result;
  for (const auto& o : options) {
    try {
      result.set(o.name, given.has(o.name) ? check_option_value(o, given.values().at(o.name))
                                           : parse_option_value(o, o.default_yaml));
    } catch (const OptionValueError& e) {
      // Worded like the plugins' own checks ("p must be in [0, 1)"), so that
      // the message names the option on its own too.
      std::string message = e.what();
      if (message.rfind("expected ", 0) == 0) message = o.name + " must be " + message.substr(9);
      if (!e.hint().empty()) message += " (" + e.hint() + ")";
      throw OptionError(o.name, message);
    }
  }
  return result;
}

}  // namespace spbench
