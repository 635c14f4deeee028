#include "spbench/sdk/options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>
#include <vector>

#include "spbench/util/yaml/diagnostic.hpp"

namespace spbench {

std::string_view option_type_name(OptionType type) {
  switch (type) {
    case OptionType::Bool: return "bool";
    case OptionType::Int: return "int";
    case OptionType::Float: return "float";
    case OptionType::String: return "string";
    case OptionType::IntList: return "int list";
    case OptionType::StringList: return "string list";
  }
  return "?";
}

template <typename T>
const T& Options::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) {
    // A name the plugin's schema does not declare is almost always a typo
    // in the plugin's code: point at the declared name it resembles.
    std::vector<std::string> names;
    for (const auto& [known, value] : values_) names.push_back(known);
    std::string message = fmt::format("unknown option '{}'", name);
    if (const std::string close = closest_match(name, names); !close.empty())
      message += fmt::format(" (did you mean '{}'?)", close);
    else if (!names.empty())
      message += fmt::format(" (the options: {})", fmt::join(names, ", "));
    throw OptionError(name, message);
  }
  if (auto* v = std::get_if<T>(&it->second)) return *v;
  throw OptionError(name, fmt::format("option '{}' holds {} where another type was asked for", name,
                                      to_yaml(it->second)));
}

template const bool& Options::get<bool>(const std::string&) const;
template const std::int64_t& Options::get<std::int64_t>(const std::string&) const;
template const std::string& Options::get<std::string>(const std::string&) const;
template const std::vector<std::int64_t>& Options::get<std::vector<std::int64_t>>(const std::string&) const;
template const std::vector<std::string>& Options::get<std::vector<std::string>>(const std::string&) const;

double Options::get_float(const std::string& name) const {
  auto it = values_.find(name);
  if (it != values_.end()) {
    if (auto* i = std::get_if<std::int64_t>(&it->second)) return static_cast<double>(*i);
  }
  return get<double>(name);
}

std::string to_yaml(const OptionValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }
    std::string operator()(const std::string& s) const { return s; }
    std::string operator()(const std::vector<std::int64_t>& v) const { return fmt::format("[{}]", fmt::join(v, ", ")); }
    std::string operator()(const std::vector<std::string>& v) const { return fmt::format("[{}]", fmt::join(v, ", ")); }
  };
  return std::visit(Visitor{}, value);
}

}  // namespace spbench
