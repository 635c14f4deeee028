// The ablation table as CSV: one line per row, mean/std/n (Δ, best) per column, numbers in full.

#include <fmt/format.h>

#include <cmath>
#include <iterator>
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
  const auto& cmp = t.comparison;
  const bool compared = !cmp.baseline.empty();
  // The comparison's metric index of a column, or -1.
  auto metric_of = [&](std::size_t c) {
    for (std::size_t k = 0; k < cmp.metrics.size(); ++k)
      if (cmp.metrics[k] == t.columns[c].key) return static_cast<int>(k);
    return -1;
  };
  static const char* const kPaired[] = {"_paired_delta", "_ci_low", "_ci_high", "_p", "_p_holm", "_significant", "_mde",
                                        "_baseline_sd"};
  std::vector<std::string> header = {"cell", "kind", "cells", "finished"};
  if (t.seeded) header.push_back("seeds");
  if (compared)
    for (const char* h : {"paired_seeds", "paired_architectures", "paired_test"}) header.push_back(h);
  for (std::size_t c = 0; c < t.columns.size(); ++c) {
    const auto& col = t.columns[c];
    for (const char* part : {"_mean", "_std", "_n"}) header.push_back(col.key + part);
    if (!t.baseline.empty()) header.push_back(col.key + "_delta");
    header.push_back(col.key + "_best");
    if (compared && metric_of(c) >= 0)
      for (const char* part : kPaired) header.push_back(col.key + part);
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
    if (t.seeded) f.push_back(row.reference ? "" : std::to_string(row.seeds));
    const RowComparison* rc = nullptr;
    for (const auto& r : cmp.rows)
      if (!row.reference && r.label == row.label && r.compared) rc = &r;
    if (compared) {
      if (rc) {
        const auto& res = rc->result;
        f.push_back(res.seeds_paired ? fmt::format("{} paired", res.a_seeds.size())
                                     : fmt::format("{} vs {}", res.a_seeds.size(), res.b_seeds.size()));
        f.push_back(std::to_string(res.architectures));
        f.push_back(res.metrics.empty() ? "" : statistics::test_name(res.metrics.front().test));
      } else {
        f.insert(f.end(), 3, "");
      }
    }
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const Stat& s = row.values[c];
      const bool applicable = !(row.reference && !t.columns[c].reference);
      f.push_back(s.n > 0 ? csv_number(s.mean) : "");
      f.push_back(s.n > 1 ? csv_number(s.stdev) : "");
      f.push_back(applicable ? std::to_string(s.n) : "");
      if (!t.baseline.empty()) f.push_back(csv_number(row.delta[c]));
      f.push_back(row.best[c] ? "1" : "0");
      const int k = compared ? metric_of(c) : -1;
      if (k < 0) continue;
      if (!rc) {
        f.insert(f.end(), std::size(kPaired), "");
        continue;
      }
      const auto& m = rc->result.metrics[static_cast<std::size_t>(k)];
      for (double v : {m.delta, m.low, m.high, m.p_value, rc->p_holm[static_cast<std::size_t>(k)]}) f.push_back(csv_number(v));
      f.push_back(rc->significant[static_cast<std::size_t>(k)] ? "1" : "0");
      f.push_back(csv_number(m.mde));
      f.push_back(csv_number(m.baseline_sd));
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
