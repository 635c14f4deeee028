#include "render_pieces.hpp"

#include <fmt/format.h>

#include <cmath>

namespace spbench::tables::render {

std::string number(double v, int digits) { return fmt::format("{:.{}f}", v, digits); }

std::string signed_number(double v, int digits) {
  std::string s = fmt::format("{:+.{}f}", v, digits);
  // "-0.000" reads as a loss where there is none.
  if (std::stod(s) == 0.0) s = fmt::format("{:.{}f}", 0.0, digits);
  return s;
}

Pieces pieces(const AblationTable& t, const AblationRow& row, std::size_t c) {
  Pieces p;
  const Stat& s = row.values[c];
  if (s.n == 0) return p;
  const int digits = t.columns[c].digits;
  p.na = false;
  p.value = number(s.mean, digits);
  if (row.cells > 1) {
    p.spread = std::isnan(s.stdev) ? "n/a" : number(s.stdev, digits);
    p.n = std::to_string(s.n);
  }
  if (!std::isnan(row.delta[c])) p.delta = signed_number(row.delta[c], digits);
  return p;
}

std::string runs_text(const AblationRow& row) {
  return row.finished == row.cells ? std::to_string(row.cells) : fmt::format("{}/{}", row.finished, row.cells);
}

std::string row_label(const AblationRow& row) {
  if (row.reference) return row.label + " (reference)";
  if (row.baseline) return row.label + " (baseline)";
  return row.label;
}

}  // namespace spbench::tables::render
