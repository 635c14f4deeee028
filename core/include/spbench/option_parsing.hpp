#pragma once
// Turning YAML text into typed option values, checked against an option's
// declared type and choices. Used for schema defaults and by the spec
// validator.

#include <stdexcept>
#include <string>

#include "spbench/options.hpp"
#include "spbench/plugin_registry.hpp"

namespace spbench {

// Raised when a value does not fit the option: the message says what was
// expected ("expected a float, got 'abc'").
class OptionValueError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `yaml_text` (a YAML scalar or flow sequence) as a value of `option`.
OptionValue parse_option_value(const OptionInfo& option, const std::string& yaml_text);

}  // namespace spbench
