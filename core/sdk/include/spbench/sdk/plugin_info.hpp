#pragma once
// What spbench knows about a plugin before it runs any of the plugin's code:
// its kind, name and option schema, copied out of the descriptor. Kept free
// of the plugin interfaces (and so of LibTorch) so that option parsing and
// the spec validator, and their tests, need neither the registry nor glog.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "spbench/sdk/options.hpp"
#include "spbench/sdk/value_range.hpp"

namespace spbench {

enum class PluginKind : std::uint32_t { Sampler = 1, Strategy = 2, Variant = 3 };

std::string_view plugin_kind_name(PluginKind kind);  // "sampler", "strategy", "variant"

struct OptionInfo {
  std::string name;
  OptionType type;
  std::string default_yaml;
  std::string doc;
  std::vector<std::string> choices;  // empty: any value of the type
  ValueRange range;                  // Int and Float (and their lists' items); unbounded when not declared
};

struct PluginInfo {
  PluginKind kind;
  std::string name;
  std::string version;
  std::string description;
  std::string source;  // library path, or "(built in)" for static plugins
  std::vector<OptionInfo> options;

  const OptionInfo* option(const std::string& option_name) const;
  // The schema's defaults as typed values.
  Options default_options() const;
  // `given` checked against the schema and completed: every option present
  // (defaults filled in), each of the declared type (an integer for a float
  // option becomes a float), within its range and choices. Throws
  // OptionError naming the first option that is unknown or does not fit, so
  // that a factory only ever sees options the schema accepts.
  Options complete_options(const Options& given) const;
};

}  // namespace spbench
