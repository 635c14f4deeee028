#include "spbench/sdk/path.hpp"

namespace spbench {

// A shared path prints as its single cell string; a per-cell path joins the
// cells with ';' (a character NAS-Bench-201 strings never contain), so the
// text stays one field in CSV and log lines.
std::string Path::to_string() const {
  std::string out;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ';';
    out += cells[i].to_string();
  }
  return out;
}

}  // namespace spbench
