// The ablation table as a markdown (GitHub) table with a legend.

#include <fmt/format.h>

#include <vector>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

std::string markdown(const AblationTable& t) {
  std::vector<std::string> header = {"cell", "runs"};
  for (const auto& c : t.columns) header.push_back(c.title);
  std::vector<std::vector<std::string>> body;
  auto add = [&](const AblationRow& row) {
    std::vector<std::string> cells = {row.reference ? "*" + row_label(row) + "*" : row_label(row), runs_text(row)};
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
  out += "|:---|---:|";
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += "---:|";
  out += "\n";
  for (const auto& b : body) out += line(b);
  out += "\n";
  std::string legend = t.grouped ? "mean ± std (n) over seeds; " : "";
  legend += "**bold**: best in its column";
  if (!t.baseline.empty()) legend += fmt::format("; Δ: difference to the baseline ({})", t.baseline);
  legend += "; n/a: not available.\n";
  return out + legend;
}

class MarkdownRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return markdown(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_markdown() { return std::make_unique<MarkdownRenderer>(); }

}  // namespace spbench::tables::render
