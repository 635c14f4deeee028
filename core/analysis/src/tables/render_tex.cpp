// The ablation table as a LaTeX tabular (booktabs).

#include <fmt/format.h>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

std::string tex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\textbackslash{}"; break;
      case '&': case '%': case '$': case '#': case '_': case '{': case '}': out += std::string("\\") + c; break;
      case '~': out += "\\textasciitilde{}"; break;
      case '^': out += "\\textasciicircum{}"; break;
      default: out += c;
    }
  }
  return out;
}

std::string tex(const AblationTable& t) {
  std::string spec = "lr";
  for (std::size_t c = 0; c < t.columns.size(); ++c) spec += "r";
  std::string out = "% spbench ablation table; needs \\usepackage{booktabs}\n";
  out += "\\begin{tabular}{" + spec + "}\n\\toprule\n";
  out += "cell & runs";
  for (const auto& c : t.columns) out += " & " + c.tex;
  out += " \\\\\n\\midrule\n";
  auto add = [&](const AblationRow& row) {
    out += (row.reference ? "\\emph{" + tex_escape(row_label(row)) + "}" : tex_escape(row_label(row))) + " & " +
           runs_text(row);
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      out += " & ";
      if (row.reference && !t.columns[c].reference) continue;
      const Pieces p = pieces(t, row, c);
      if (p.na) {
        out += "n/a";
        continue;
      }
      std::string text = p.value;
      if (!p.n.empty()) text += " $\\pm$ " + p.spread + " (" + p.n + ")";
      if (row.best[c]) text = "\\textbf{" + text + "}";
      if (!p.delta.empty()) text += " ($\\Delta$ $" + p.delta + "$)";
      out += text;
    }
    out += " \\\\\n";
  };
  for (const auto& r : t.rows) add(r);
  if (!t.references.empty()) out += "\\midrule\n";
  for (const auto& r : t.references) add(r);
  out += "\\bottomrule\n\\end{tabular}\n";
  return out;
}

class TexRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return tex(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_tex() { return std::make_unique<TexRenderer>(); }

}  // namespace spbench::tables::render
