#include "spbench/sdk/option_parsing.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include "spbench/util/yaml/loader.hpp"

namespace spbench {

bool parse_int_scalar(const std::string& text, std::int64_t& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && ptr == end && begin != end;
}

bool parse_float_scalar(const std::string& text, double& out) {
  if (text.empty()) return false;
  // Only plain decimal notation: no hex, no nan/inf, which are never meant.
  if (text.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  out = std::strtod(begin, &end);
  return end == begin + text.size() && std::isfinite(out);
}

bool parse_bool_scalar(const std::string& text, bool& out) {
  static const std::set<std::string> yes = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const std::set<std::string> no = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  if (yes.count(text)) return out = true, true;
  if (no.count(text)) return out = false, true;
  return false;
}

namespace {

std::string quoted_list(const std::vector<std::string>& values) { return fmt::format("{}", fmt::join(values, ", ")); }

bool is_choice(const OptionInfo& option, const std::string& value) {
  return option.choices.empty() ||
         std::find(option.choices.begin(), option.choices.end(), value) != option.choices.end();
}

std::string choice_hint(const OptionInfo& option, const std::string& value) {
  std::string close = closest_match(value, option.choices);
  return close.empty() ? "" : fmt::format("did you mean '{}'?", close);
}

}  // namespace

OptionValue parse_option_value(const OptionInfo& option, const SpecNode& node) {
  auto fail = [&](const std::string& expected, std::string hint = {}) -> OptionValueError {
    const std::string got = node.is_scalar() ? fmt::format("'{}'", node.scalar) : node.describe();
    return OptionValueError(fmt::format("expected {}, got {}", expected, got), node.location, "", std::move(hint));
  };
  const std::string int_noun = option.range.bounded() ? option.range.describe("an integer") : "an integer";
  const std::string float_noun = option.range.describe();
  switch (option.type) {
    case OptionType::Bool: {
      bool b = false;
      if (!node.is_scalar() || !parse_bool_scalar(node.scalar, b)) throw fail("true or false");
      return OptionValue{b};
    }
    case OptionType::Int: {
      std::int64_t i = 0;
      if (!node.is_scalar() || !parse_int_scalar(node.scalar, i) || !option.range.contains(static_cast<double>(i)))
        throw fail(int_noun);
      return OptionValue{i};
    }
    case OptionType::Float: {
      double d = 0;
      if (!node.is_scalar() || !parse_float_scalar(node.scalar, d) || !option.range.contains(d)) throw fail(float_noun);
      return OptionValue{d};
    }
    case OptionType::String: {
      if (node.is_null()) return OptionValue{std::string()};
      if (!node.is_scalar()) throw fail("a string");
      if (!is_choice(option, node.scalar))
        throw fail("one of " + quoted_list(option.choices), choice_hint(option, node.scalar));
      return OptionValue{node.scalar};
    }
    case OptionType::IntList: {
      std::vector<std::int64_t> values;
      if (node.is_null()) return OptionValue{values};
      if (!node.is_sequence()) throw fail("a list of integers");
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const SpecNode& item = node.children[k];
        std::int64_t i = 0;
        if (!item.is_scalar() || !parse_int_scalar(item.scalar, i) || !option.range.contains(static_cast<double>(i)))
          throw OptionValueError(fmt::format("expected {}, got {}", int_noun, item.describe()), item.location,
                                 fmt::format("[{}]", k));
        values.push_back(i);
      }
      return OptionValue{values};
    }
    case OptionType::StringList: {
      std::vector<std::string> values;
      if (node.is_null()) return OptionValue{values};
      if (!node.is_sequence()) throw fail("a list of strings");
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const SpecNode& item = node.children[k];
        if (!item.is_scalar())
          throw OptionValueError(fmt::format("expected a string, got {}", item.describe()), item.location,
                                 fmt::format("[{}]", k));
        if (!is_choice(option, item.scalar))
          throw OptionValueError(
              fmt::format("expected one of {}, got '{}'", quoted_list(option.choices), item.scalar), item.location,
              fmt::format("[{}]", k), choice_hint(option, item.scalar));
        values.push_back(item.scalar);
      }
      return OptionValue{values};
    }
  }
  throw fail("a value");
}

OptionValue parse_option_value(const OptionInfo& option, const std::string& yaml_text) {
  SpecNode node;
  try {
    node = parse_yaml_value(yaml_text, SourceLocation{});
  } catch (const std::exception& e) {
    throw OptionValueError(fmt::format("'{}' is not valid YAML: {}", yaml_text, e.what()));
  }
  return parse_option_value(option, node);
}

OptionValue check_option_value(const OptionInfo& option, const OptionValue& value) {
  auto fail = [&](const std::string& expected) {
    return OptionValueError(fmt::format("expected {}, got {}", expected, to_yaml(value)));
  };
  switch (option.type) {
    case OptionType::Bool:
      if (!std::holds_alternative<bool>(value)) throw fail("true or false");
      return value;
    case OptionType::Int: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (!i || !option.range.contains(static_cast<double>(*i)))
        throw fail(option.range.bounded() ? option.range.describe("an integer") : "an integer");
      return value;
    }
    case OptionType::Float: {
      double d = 0;
      if (const auto* i = std::get_if<std::int64_t>(&value)) d = static_cast<double>(*i);
      else if (const auto* f = std::get_if<double>(&value)) d = *f;
      else throw fail(option.range.describe());
      if (!std::isfinite(d) || !option.range.contains(d)) throw fail(option.range.describe());
      return OptionValue{d};
    }
    case OptionType::String: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) throw fail("a string");
      if (!is_choice(option, *s))
        throw OptionValueError(fmt::format("expected one of {}, got '{}'", quoted_list(option.choices), *s), {}, "",
                               choice_hint(option, *s));
      return value;
    }
    case OptionType::IntList: {
      const auto* l = std::get_if<std::vector<std::int64_t>>(&value);
      if (!l) throw fail("a list of integers");
      for (std::int64_t i : *l)
        if (!option.range.contains(static_cast<double>(i)))
          throw OptionValueError(
              fmt::format("expected items that are {}, got {}", option.range.describe("an integer"), i));
      return value;
    }
    case OptionType::StringList: {
      const auto* l = std::get_if<std::vector<std::string>>(&value);
      if (!l) throw fail("a list of strings");
      for (const auto& s : *l)
        if (!is_choice(option, s))
          throw OptionValueError(fmt::format("expected items from {}, got '{}'", quoted_list(option.choices), s));
      return value;
    }
  }
  throw fail("a value");
}

}  // namespace spbench
