#pragma once
// The one value parser of spbench: spec keys and plugin options alike are
// read by these functions, so that what a spec accepts for a float or a bool
// (finite decimals; true/True/TRUE, yes, on and their negations) is what a
// plugin option accepts, and no second parser drifts away from it.

#include <cstdint>
#include <stdexcept>
#include <string>

#include "spbench/sdk/options.hpp"
#include "spbench/sdk/plugin_info.hpp"
#include "spbench/util/yaml/spec_tree.hpp"

namespace spbench {

// Strict scalar readers: the whole text must be the value. Integers are
// decimal (an optional '+'); numbers are plain decimal notation, finite (no
// hex, nan or inf, which a spec never means); bools are the YAML 1.1 words in
// lower, capitalised or upper case.
bool parse_int_scalar(const std::string& text, std::int64_t& out);
bool parse_float_scalar(const std::string& text, double& out);
bool parse_bool_scalar(const std::string& text, bool& out);

// Raised when a value does not fit the option: the message says what was
// expected ("expected a number, got 'abc'"). `location` and `path_suffix`
// ("[2]") say which item of a list was wrong; `hint` may hold a "did you
// mean".
class OptionValueError : public std::runtime_error {
 public:
  OptionValueError(const std::string& message, SourceLocation location = {}, std::string path_suffix = {},
                   std::string hint = {})
      : std::runtime_error(message),
        location_(std::move(location)),
        path_suffix_(std::move(path_suffix)),
        hint_(std::move(hint)) {}
  const SourceLocation& location() const { return location_; }
  const std::string& path_suffix() const { return path_suffix_; }
  const std::string& hint() const { return hint_; }

 private:
  SourceLocation location_;
  std::string path_suffix_;
  std::string hint_;
};

// Reads `node` as a value of `option`: its type, range and choices.
OptionValue parse_option_value(const OptionInfo& option, const SpecNode& node);
// The same for YAML text (a scalar or a flow sequence): a schema default, a
// value written in a test.
OptionValue parse_option_value(const OptionInfo& option, const std::string& yaml_text);

// Checks a value built in code (not parsed) against the option: its type (an
// integer for a float option is converted), range and choices. Returns the
// value to use.
OptionValue check_option_value(const OptionInfo& option, const OptionValue& value);

}  // namespace spbench
