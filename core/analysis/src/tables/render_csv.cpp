// The ablation table as CSV: one line per row, mean/std/n (Δ, best) per column, numbers in full.

#include <fmt/format.h>

#include <cmath>
#include <vector>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// Shortest text that reads back to the same double; empty for NaN.
std::string csv_number(double v) { return std::isnan(v) ? "" : fmt::format("{}", v); }

std::string csv(const AblationTable& t) {
  std::vector<std::string> header = {"cell", "kind", "cells", "finished"};
  for (const auto& c : t.columns) {
    for (const char* part : {"_mean", "_std", "_n"}) header.push_back(c.key + part);
    if (!t.baseline.empty()) header.push_back(c.key + "_delta");
    header.push_back(c.key + "_best");
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
    out += "\n";
  };
  line(header);
  auto add = [&](const AblationRow& row) {
    std::vector<std::string> f = {row.label, row.reference ? "reference" : row.baseline ? "baseline" : "cell",
                                  std::to_string(row.cells), std::to_string(row.finished)};
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Stat& s = row.values[c];
      const bool applicable = !(row.reference && !t.columns[c].reference);
      f.push_back(s.n > 0 ? csv_number(s.mean) : "");
      f.push_back(s.n > 1 ? csv_number(s.stdev) : "");
      f.push_back(applicable ? std::to_string(s.n) : "");
      if (!t.baseline.empty()) f.push_back(csv_number(row.delta[c]));
      f.push_back(row.best[c] ? "1" : "0");
    }
    line(f);
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  return out;
}

class CsvRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return csv(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_csv() { return std::make_unique<CsvRenderer>(); }

}  // namespace spbench::tables::render
