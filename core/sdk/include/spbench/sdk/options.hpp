#pragma once
// Plugin options: the schema a plugin declares and the typed values it receives.
//
// A plugin lists its options as plain OptionSpec records (POD, so that the
// loader can read them before trusting the plugin's C++ code). The spec
// validator checks every user-supplied option against that schema, fills in
// defaults, and hands the plugin's factory a fully typed Options object.

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace spbench {

enum class OptionType : std::uint8_t { Bool, Int, Float, String, IntList, StringList };

std::string_view option_type_name(OptionType type);

// One option of a plugin. `default_yaml` is the default written as YAML
// (e.g. "0.1", "true", "[0, 1]", "uniform"); `choices` is an optional
// "|"-separated list of the allowed values of a String option; `range` an
// optional bound on an Int or Float option (or on each item of an IntList):
// ">= 1", "> 0", "[0, 1)". The registry checks type, range and choices (and
// fills defaults) before the plugin's constructor runs, so constructors need
// not re-check what the schema says.
//
// Written with the named builders below rather than positionally:
//
//   const OptionSpec kOptions[] = {
//       float_option("weight", "2.0", "how much more likely").with_range("> 0"),
//       string_option("favour", "nor_conv_3x3", "the operation drawn more often").with_choices(kOpNameChoices),
//   };
//
// The fields stay plain C data (the loader reads them before any plugin code
// runs, docs/plugin-abi.md); the builders only fill them.
struct OptionSpec {
  const char* name;
  OptionType type;
  const char* default_yaml;
  const char* doc;
  const char* choices = nullptr;
  const char* range = nullptr;

  // The same option with the allowed values of a String option ("a|b|c").
  constexpr OptionSpec with_choices(const char* allowed) const {
    OptionSpec o = *this;
    o.choices = allowed;
    return o;
  }
  // The same option with a bound on an Int or Float (or each IntList item):
  // ">= 1", "> 0", "[0, 1)".
  constexpr OptionSpec with_range(const char* bound) const {
    OptionSpec o = *this;
    o.range = bound;
    return o;
  }
};

constexpr OptionSpec bool_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::Bool, default_yaml, doc};
}
constexpr OptionSpec int_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::Int, default_yaml, doc};
}
constexpr OptionSpec float_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::Float, default_yaml, doc};
}
constexpr OptionSpec string_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::String, default_yaml, doc};
}
constexpr OptionSpec int_list_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::IntList, default_yaml, doc};
}
constexpr OptionSpec string_list_option(const char* name, const char* default_yaml, const char* doc) {
  return {name, OptionType::StringList, default_yaml, doc};
}

using OptionValue = std::variant<bool, std::int64_t, double, std::string, std::vector<std::int64_t>,
                                 std::vector<std::string>>;

// Raised by a plugin factory (or validate()) for an option value that the
// schema cannot judge (it depends on other options or on the run setup), and
// by the registry for one that does not fit the schema. prepare_experiment()
// reports it as a spec error at the option's own line.
class OptionError : public std::runtime_error {
 public:
  OptionError(std::string option, const std::string& message)
      : std::runtime_error(message), option_(std::move(option)) {}
  const std::string& option() const { return option_; }

 private:
  std::string option_;
};

// Resolved, typed option values of one plugin instance (defaults filled in).
class Options {
 public:
  Options() = default;

  void set(const std::string& name, OptionValue value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }

  bool get_bool(const std::string& name) const { return get<bool>(name); }
  std::int64_t get_int(const std::string& name) const { return get<std::int64_t>(name); }
  // Accepts an Int value too: "1" is a fine float in a YAML spec.
  double get_float(const std::string& name) const;
  const std::string& get_string(const std::string& name) const { return get<std::string>(name); }
  const std::vector<std::int64_t>& get_int_list(const std::string& name) const {
    return get<std::vector<std::int64_t>>(name);
  }
  const std::vector<std::string>& get_string_list(const std::string& name) const {
    return get<std::vector<std::string>>(name);
  }

  const std::map<std::string, OptionValue>& values() const { return values_; }

 private:
  template <typename T>
  const T& get(const std::string& name) const;

  std::map<std::string, OptionValue> values_;
};

// Renders a value as YAML flow text ("0.1", "[a, b]").
std::string to_yaml(const OptionValue& value);

}  // namespace spbench
