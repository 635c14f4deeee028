// The ablation table as a markdown (GitHub) table with a legend.

#include <fmt/format.h>

#include <vector>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

std::string line_of(const std::vector<std::string>& cells) {
  std::string s = "|";
  for (const auto& c : cells) s += " " + c + " |";
  return s + "\n";
}

// The paired comparison as a second table, one line per row and metric.
std::string comparison(const AblationTable& t) {
  if (t.comparison.baseline.empty()) return "";
  std::string out = "\n" + comparison_caption(t) + "\n\n";
  out += line_of({"cell", "metric", "seeds", "archs", "Δ", fmt::format("{:g} % CI", t.comparison.confidence * 100), "p",
                  "p (Holm)", "test", "baseline sd", "MDE"});
  out += "|:---|:---|---:|---:|---:|:---:|---:|---:|:---|---:|---:|\n";
  for (const auto& l : comparison_lines(t)) {
    if (!l.problem.empty()) {
      out += line_of({l.cell, "—", "", "", "n/a", "", "", "", "not compared: " + l.problem, "", ""});
      continue;
    }
    out += line_of({l.cell, l.title, l.seeds, l.architectures, l.delta + (l.significant ? "*" : ""), l.interval, l.p,
                    l.p_holm, l.test, l.baseline_sd, l.mde});
  }
  return out;
}

std::string markdown(const AblationTable& t) {
  std::vector<std::string> header = {"cell", "runs"};
  if (t.seeded) header.push_back("seeds");
  for (const auto& c : t.columns) header.push_back(c.title);
  std::vector<std::vector<std::string>> body;
  auto add = [&](const AblationRow& row) {
    std::vector<std::string> cells = {row.reference ? "*" + row_label(row) + "*" : row_label(row), runs_text(row)};
    if (t.seeded) cells.push_back(seeds_text(row));
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      if (row.reference && !t.columns[c].reference) {
        cells.emplace_back("");
        continue;
      }
      const Pieces p = pieces(t, row, c);
      if (p.na) {
        cells.emplace_back("n/a");
        continue;
      }
      std::string text = p.value;
      if (!p.n.empty()) text += " ± " + p.spread + " (" + p.n + ")";
      if (row.best[c]) text = "**" + text + "**";
      if (!p.delta.empty()) text += " Δ " + p.delta;
      cells.push_back(text);
    }
    body.push_back(std::move(cells));
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  auto line = [](const std::vector<std::string>& cells) {
    std::string s = "|";
    for (const auto& c : cells) s += " " + c + " |";
    return s + "\n";
  };
  std::string out = line(header);
  out += t.seeded ? "|:---|---:|---:|" : "|:---|---:|";
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += "---:|";
  out += "\n";
  for (const auto& b : body) out += line(b);
  out += "\n";
  std::string legend = t.grouped ? "mean ± std (n) over seeds; " : "";
  legend += "**bold**: best in its column";
  if (!t.baseline.empty()) legend += fmt::format("; Δ: difference to the baseline ({})", t.baseline);
  if (!t.comparison.baseline.empty()) legend += "; *: the paired comparison below finds a difference (Holm-adjusted p < 0.05)";
  if (t.seeded) legend += "; seeds: distinct seeds of the finished cells";
  legend += "; n/a: not available.\n";
  return out + legend + comparison(t);
}

class MarkdownRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return markdown(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_markdown() { return std::make_unique<MarkdownRenderer>(); }

}  // namespace spbench::tables::render
