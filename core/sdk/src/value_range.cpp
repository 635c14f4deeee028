#include "spbench/sdk/value_range.hpp"

#include <fmt/format.h>

#include <cctype>
#include <stdexcept>

#include "spbench/sdk/option_parsing.hpp"

namespace spbench {

std::string ValueRange::describe(const std::string& noun) const {
  if (low && high) return fmt::format("{} in {}{}, {}{}", noun, low_open ? "(" : "[", *low, *high, high_open ? ")" : "]");
  if (low) return fmt::format("{} {} {}", noun, low_open ? ">" : ">=", *low);
  if (high) return fmt::format("{} {} {}", noun, high_open ? "<" : "<=", *high);
  return noun;
}

namespace {

std::string trim(const std::string& s) {
  std::size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

double bound(const std::string& text, const std::string& whole) {
  double v = 0;
  if (!parse_float_scalar(trim(text), v))
    throw std::invalid_argument(fmt::format("range '{}': '{}' is not a number", whole, trim(text)));
  return v;
}

}  // namespace

ValueRange parse_value_range(const std::string& whole) {
  const std::string text = trim(whole);
  ValueRange r;
  if (text.rfind(">=", 0) == 0) return r.low = bound(text.substr(2), whole), r;
  if (text.rfind("<=", 0) == 0) return r.high = bound(text.substr(2), whole), r;
  if (text.rfind('>', 0) == 0) return r.low = bound(text.substr(1), whole), r.low_open = true, r;
  if (text.rfind('<', 0) == 0) return r.high = bound(text.substr(1), whole), r.high_open = true, r;
  const auto comma = text.find(',');
  if (text.size() < 5 || (text.front() != '[' && text.front() != '(') || (text.back() != ']' && text.back() != ')') ||
      comma == std::string::npos)
    throw std::invalid_argument(
        fmt::format("range '{}': expected '>= A', '> A', '<= B', '< B' or an interval such as '[A, B)'", whole));
  r.low_open = text.front() == '(';
  r.high_open = text.back() == ')';
  r.low = bound(text.substr(1, comma - 1), whole);
  r.high = bound(text.substr(comma + 1, text.size() - comma - 2), whole);
  if (*r.low > *r.high) throw std::invalid_argument(fmt::format("range '{}' is empty", whole));
  return r;
}

}  // namespace spbench
