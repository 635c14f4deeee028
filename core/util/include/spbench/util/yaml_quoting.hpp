#pragma once
// Writing YAML text: a string as a double-quoted scalar that reads back as
// the same string. Shared by the spec printer (resolved-spec.yaml) and the
// matrix (cell.yaml, cell names).

#include <string>

namespace spbench::util {

inline std::string yaml_double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace spbench::util
