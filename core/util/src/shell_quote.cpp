#include "spbench/util/shell_quote.hpp"

namespace spbench::util {

std::string shell_quote(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace spbench::util
