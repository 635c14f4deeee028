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

// The paired comparison as a second tabular, one line per row and metric.
std::string comparison(const AblationTable& t) {
  if (t.comparison.baseline.empty()) return "";
  std::string out = "\n% " + comparison_caption(t) + "\n";
  out += "\\begin{tabular}{llrrrcrrlrr}\n\\toprule\n";
  out += fmt::format("cell & metric & seeds & archs & $\\Delta$ & {:g}\\,\\% CI & $p$ & $p$ (Holm) & test & baseline sd & MDE \\\\\n\\midrule\n",
                     t.comparison.confidence * 100);
  for (const auto& l : comparison_lines(t)) {
    if (!l.problem.empty()) {
      out += tex_escape(l.cell) + " & & & & n/a & & & & \\multicolumn{3}{l}{not compared: " + tex_escape(l.problem) + "} \\\\\n";
      continue;
    }
    out += fmt::format("{} & {} & {} & {} & ${}${} & ${}$ & {} & {} & {} & {} & {} \\\\\n", tex_escape(l.cell), l.tex,
                       tex_escape(l.seeds), l.architectures, l.delta, l.significant ? "$^{*}$" : "", l.interval,
                       tex_escape(l.p), tex_escape(l.p_holm), tex_escape(l.test), l.baseline_sd, l.mde);
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  return out;
}

std::string tex(const AblationTable& t) {
  std::string spec = t.seeded ? "lrr" : "lr";
  for (std::size_t c = 0; c < t.columns.size(); ++c) spec += "r";
  std::string out = "% spbench ablation table; needs \\usepackage{booktabs}\n";
  out += "\\begin{tabular}{" + spec + "}\n\\toprule\n";
  out += t.seeded ? "cell & runs & seeds" : "cell & runs";
  for (const auto& c : t.columns) out += " & " + c.tex;
  out += " \\\\\n\\midrule\n";
  auto add = [&](const AblationRow& row) {
    out += (row.reference ? "\\emph{" + tex_escape(row_label(row)) + "}" : tex_escape(row_label(row))) + " & " +
           runs_text(row) + (t.seeded ? " & " + seeds_text(row) : "");
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
  return out + comparison(t);
}

class TexRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return tex(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_tex() { return std::make_unique<TexRenderer>(); }

}  // namespace spbench::tables::render
