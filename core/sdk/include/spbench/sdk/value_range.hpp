#pragma once
// An optional numeric interval ("> 0", "[0, 1)") that a spec key or a plugin
// option declares, with the wording used in "expected …" messages.

#include <optional>
#include <string>

namespace spbench {

struct ValueRange {
  std::optional<double> low;
  bool low_open = false;
  std::optional<double> high;
  bool high_open = false;

  bool bounded() const { return low.has_value() || high.has_value(); }
  bool contains(double v) const {
    if (low && (low_open ? v <= *low : v < *low)) return false;
    if (high && (high_open ? v >= *high : v > *high)) return false;
    return true;
  }
  // "a number in [0, 1)", "a number > 0", "a number"; with `noun` "an
  // integer" for integer options.
  std::string describe(const std::string& noun = "a number") const;
};

inline ValueRange at_least(double v) { return ValueRange{v, false, std::nullopt, false}; }
inline ValueRange above(double v) { return ValueRange{v, true, std::nullopt, false}; }

// Reads the notation of OptionSpec::range: ">= 1", "> 0", "<= 10", "< 1" or an
// interval "[0, 1)", "(0, 1]". Throws std::invalid_argument for anything else.
ValueRange parse_value_range(const std::string& text);

}  // namespace spbench
