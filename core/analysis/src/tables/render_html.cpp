// The ablation table as an HTML <table>.

#include <fmt/format.h>

#include "render_pieces.hpp"

namespace spbench::tables::render {

namespace {

// The paired comparison as a second table, one line per row and metric.
std::string comparison(const AblationTable& t) {
  // No other row (a table of the baseline alone): no comparison table.
  if (t.comparison.baseline.empty() || t.comparison.rows.empty()) return "";
  std::string out = "<table class=\"spbench-comparison\">\n<caption>" + html_escape(comparison_caption(t)) + "</caption>\n";
  out += fmt::format("<thead>\n<tr><th>cell</th><th>metric</th><th>seeds</th><th>archs</th><th>&Delta;</th><th>{:g} % CI</th>"
                     "<th>p</th><th>p (Holm)</th><th>test</th><th>baseline sd</th><th>MDE</th></tr>\n</thead>\n<tbody>\n",
                     t.comparison.confidence * 100);
  for (const auto& l : comparison_lines(t)) {
    if (!l.problem.empty()) {
      out += "<tr class=\"not-compared\"><td>" + html_escape(l.cell) + "</td><td colspan=\"10\">not compared: " +
             html_escape(l.problem) + "</td></tr>\n";
      continue;
    }
    out += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       l.significant ? " class=\"significant\"" : "", html_escape(l.cell), l.html, html_escape(l.seeds),
                       l.architectures, l.delta + (l.significant ? "*" : ""), l.interval, html_escape(l.p),
                       html_escape(l.p_holm), html_escape(l.test), l.baseline_sd, l.mde);
  }
  out += "</tbody>\n</table>\n";
  return out;
}

std::string html(const AblationTable& t) {
  std::string out = "<table class=\"spbench-ablation\">\n<thead>\n<tr><th>cell</th><th>runs</th>";
  if (t.seeded) out += "<th>seeds</th>";
  for (const auto& c : t.columns) out += "<th>" + c.html + "</th>";
  out += "</tr>\n</thead>\n<tbody>\n";
  auto add = [&](const AblationRow& row) {
    const char* cls = row.reference ? " class=\"reference\"" : row.baseline ? " class=\"baseline\"" : "";
    out += fmt::format("<tr{}><td>{}</td><td>{}</td>", cls, html_escape(row_label(row)), runs_text(row));
    if (t.seeded) out += "<td>" + seeds_text(row) + "</td>";
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      out += "<td>";
      if (!(row.reference && !t.columns[c].reference)) {
        const Pieces p = pieces(t, row, c);
        if (p.na) {
          out += "n/a";
        } else {
          std::string text = p.value;
          if (!p.n.empty()) text += " &plusmn; " + p.spread + " (" + p.n + ")";
          if (row.best[c]) text = "<strong>" + text + "</strong>";
          if (!p.delta.empty()) text += " &Delta; " + p.delta;
          out += text;
        }
      }
      out += "</td>";
    }
    out += "</tr>\n";
  };
  for (const auto& r : t.rows) add(r);
  for (const auto& r : t.references) add(r);
  out += "</tbody>\n</table>\n";
  return out + comparison(t);
}

class HtmlRenderer final : public TableRenderer {
 public:
  std::string render(const AblationTable& table) const override { return html(table); }
};

}  // namespace

std::unique_ptr<TableRenderer> make_html() { return std::make_unique<HtmlRenderer>(); }

}  // namespace spbench::tables::render
