#include "spbench/option_parsing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace spbench {

namespace {

std::string describe(const YAML::Node& node) {
  if (node.IsScalar()) return fmt::format("'{}'", node.Scalar());
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a map";
  return "nothing";
}

bool to_bool(const YAML::Node& node, bool& out) {
  if (!node.IsScalar()) return false;
  std::string s = node.Scalar();
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  if (s == "true" || s == "yes" || s == "on") return out = true, true;
  if (s == "false" || s == "no" || s == "off") return out = false, true;
  return false;
}

bool to_int(const YAML::Node& node, std::int64_t& out) {
  if (!node.IsScalar()) return false;
  const std::string& s = node.Scalar();
  if (s.empty()) return false;
  std::size_t used = 0;
  try {
    out = std::stoll(s, &used, 10);
  } catch (...) {
    return false;
  }
  return used == s.size();
}

bool to_float(const YAML::Node& node, double& out) {
  if (!node.IsScalar()) return false;
  const std::string& s = node.Scalar();
  if (s.empty()) return false;
  std::size_t used = 0;
  try {
    out = std::stod(s, &used);
  } catch (...) {
    return false;
  }
  return used == s.size();
}

void check_choice(const OptionInfo& option, const std::string& value) {
  if (option.choices.empty()) return;
  if (std::find(option.choices.begin(), option.choices.end(), value) != option.choices.end()) return;
  throw OptionValueError(fmt::format("expected one of {}, got '{}'", fmt::join(option.choices, ", "), value));
}

}  // namespace

OptionValue parse_option_value(const OptionInfo& option, const std::string& yaml_text) {
  YAML::Node node;
  try {
    node = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw OptionValueError(fmt::format("'{}' is not valid YAML: {}", yaml_text, e.msg));
  }
  switch (option.type) {
    case OptionType::Bool: {
      bool b;
      if (!to_bool(node, b)) throw OptionValueError(fmt::format("expected true or false, got {}", describe(node)));
      return b;
    }
    case OptionType::Int: {
      std::int64_t i;
      if (!to_int(node, i)) throw OptionValueError(fmt::format("expected an integer, got {}", describe(node)));
      return i;
    }
    case OptionType::Float: {
      double d;
      if (!to_float(node, d)) throw OptionValueError(fmt::format("expected a number, got {}", describe(node)));
      return d;
    }
    case OptionType::String: {
      if (!node.IsScalar()) throw OptionValueError(fmt::format("expected a string, got {}", describe(node)));
      check_choice(option, node.Scalar());
      return node.Scalar();
    }
    case OptionType::IntList: {
      std::vector<std::int64_t> out;
      if (node.IsScalar()) {  // a single value is a one-element list
        std::int64_t i;
        if (!to_int(node, i)) throw OptionValueError(fmt::format("expected a list of integers, got {}", describe(node)));
        return std::vector<std::int64_t>{i};
      }
      if (!node.IsSequence() && !node.IsNull())
        throw OptionValueError(fmt::format("expected a list of integers, got {}", describe(node)));
      for (const auto& item : node) {
        std::int64_t i;
        if (!to_int(item, i))
          throw OptionValueError(fmt::format("expected a list of integers, but an item is {}", describe(item)));
        out.push_back(i);
      }
      return out;
    }
    case OptionType::StringList: {
      std::vector<std::string> out;
      if (node.IsScalar()) {
        check_choice(option, node.Scalar());
        return std::vector<std::string>{node.Scalar()};
      }
      if (!node.IsSequence() && !node.IsNull())
        throw OptionValueError(fmt::format("expected a list of strings, got {}", describe(node)));
      for (const auto& item : node) {
        if (!item.IsScalar())
          throw OptionValueError(fmt::format("expected a list of strings, but an item is {}", describe(item)));
        check_choice(option, item.Scalar());
        out.push_back(item.Scalar());
      }
      return out;
    }
  }
  throw OptionValueError("unknown option type");
}

}  // namespace spbench
