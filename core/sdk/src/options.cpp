#include "spbench/sdk/options.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <sstream>

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
  if (it == values_.end()) throw OptionError(name, fmt::format("option '{}' is not set", name));
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
