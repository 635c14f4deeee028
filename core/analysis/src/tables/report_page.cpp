// The report page (report_page.hpp): the table renderers' HTML, the plots as
// data URIs and the cells' files, in one HTML document with inline CSS.

#include "spbench/analysis/tables/report_page.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "render_pieces.hpp"
#include "spbench/analysis/tables/table_renderer.hpp"
#include "spbench/util/read_file.hpp"

namespace spbench::tables {

namespace fs = std::filesystem;
using nlohmann::json;
using render::html_escape;

namespace {

constexpr const char* kStyle = R"(
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; font-size: 14px; color: #222;
       max-width: 1320px; margin: 1.5em auto; padding: 0 1.5em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
h3 { font-size: 1em; margin: 0.8em 0 0.3em; }
p.meta { color: #555; margin-top: 0; }
code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.6em 0 1em; }
table.spbench-ablation, table.spbench-comparison { font-size: 13px; }
th, td { padding: 3px 7px; border-bottom: 1px solid #e2e2e2; text-align: right; vertical-align: top; }
th { background: #f2f2f2; border-bottom: 2px solid #bbb; white-space: nowrap; }
td { min-width: 4.5em; }
td:first-child, th:first-child { text-align: left; min-width: 12em; }
td[colspan] { text-align: left; }
caption { caption-side: top; text-align: left; font-size: 12px; color: #555; white-space: normal; max-width: 1200px;
          padding-bottom: 0.4em; }
tr.baseline td { background: #eef3fb; font-weight: 600; }
tr.reference td { color: #666; font-style: italic; }
tr.significant td { background: #fdeade; }
tr.not-compared td { color: #888; }
.legend, .note { font-size: 12px; color: #555; max-width: 1200px; }
.warning { color: #8a3b00; background: #fff4e5; border-left: 4px solid #e08a00; padding: 0.4em 0.8em; }
figure { margin: 1em 0 1.6em; }
figure img { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 12px; color: #555; max-width: 1100px; }
details { border: 1px solid #ddd; border-radius: 4px; margin: 0.35em 0; padding: 0.3em 0.7em; }
details[open] { background: #fcfcfc; }
summary { cursor: pointer; }
summary .state { font-size: 12px; padding: 0 0.5em; border-radius: 3px; margin-left: 0.4em; }
.state.finished { background: #e3f4e1; color: #1d5e17; }
.state.failed { background: #fbe3e3; color: #8c1c1c; }
.state.other { background: #eee; color: #444; }
pre { background: #f6f6f6; border: 1px solid #e4e4e4; padding: 0.6em; overflow: auto; max-height: 32em; }
footer { margin-top: 2em; font-size: 12px; color: #777; }
)";

std::string read_limited(const fs::path& file, std::size_t limit, bool& truncated) {
  std::string text = util::read_text(file);
  truncated = text.size() > limit;
  if (truncated) text.resize(limit);
  return text;
}

// The "state" (and "time") of status.json, or what is wrong with it.
struct Status {
  std::string state = "missing";
  std::string time;
};
Status read_status(const fs::path& dir) {
  Status s;
  const fs::path file = dir / "status.json";
  if (!fs::exists(file)) return s;
  try {
    const json doc = json::parse(util::read_text(file));
    s.state = doc.value("state", "unknown");
    s.time = doc.value("time", "");
  } catch (const json::exception&) {
    s.state = "unreadable";
  }
  return s;
}

std::string state_class(const std::string& state) {
  if (state == "finished") return "finished";
  if (state == "failed" || state == "unreadable" || state == "missing") return "failed";
  return "other";
}

// An id usable in href="#…": the cell id's letters, digits, '-' and '_'.
std::string anchor(const std::string& id) {
  std::string out = "cell-";
  for (char c : id) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return out;
}

std::string matrix_name(const fs::path& results_dir) {
  try {
    const fs::path index = results_dir / "matrix.json";
    if (fs::exists(index)) {
      const json doc = json::parse(util::read_text(index));
      if (doc.contains("name") && doc.at("name").is_string() && !doc.at("name").get<std::string>().empty())
        return doc.at("name").get<std::string>();
    }
  } catch (const json::exception&) {
  }
  const fs::path clean = results_dir.lexically_normal();
  return (clean.has_filename() ? clean.filename() : clean.parent_path().filename()).string();
}

// The noise floor and the minimum detectable effect of Kendall tau, in words.
std::string noise_floor(const AblationTable& t) {
  const auto& cmp = t.comparison;
  if (cmp.baseline.empty()) return "";
  std::string out = "<p class=\"note\" id=\"noise-floor\"><strong>Noise floor.</strong> ";
  std::size_t k = cmp.metrics.size();
  for (std::size_t i = 0; i < cmp.metrics.size(); ++i)
    if (cmp.metrics[i] == "kendall_tau") k = i;
  // The baseline's seed-to-seed sd on the architectures of the comparison
  // (as the comparison table and the ablation plot's band), else of the table.
  double sd = NAN;
  int seeds = 0;
  for (const auto& rc : cmp.rows)
    if (rc.compared && k < rc.result.metrics.size() && !std::isnan(rc.result.metrics[k].baseline_sd)) {
      sd = rc.result.metrics[k].baseline_sd;
      seeds = static_cast<int>(rc.result.b_seeds.size());
      break;
    }
  const auto tau = std::find_if(t.columns.begin(), t.columns.end(), [](const AblationColumn& c) { return c.key == "kendall_tau"; });
  const auto base = std::find_if(t.rows.begin(), t.rows.end(), [](const AblationRow& r) { return r.baseline; });
  if (std::isnan(sd) && tau != t.columns.end() && base != t.rows.end()) {
    const Stat& s = base->values[static_cast<std::size_t>(tau - t.columns.begin())];
    if (s.n > 1) sd = s.stdev, seeds = s.n;
  }
  if (!std::isnan(sd))
    out += fmt::format("The baseline's seed-to-seed sd of Kendall &tau; is {} ({} seeds). ", render::number(sd, 3), seeds);
  else
    out += "The baseline has fewer than two seeds: no seed-to-seed sd. ";
  double lo = NAN, hi = NAN;
  for (const auto& rc : cmp.rows) {
    if (!rc.compared || k >= rc.result.metrics.size()) continue;
    const double mde = rc.result.metrics[k].mde;
    if (std::isnan(mde)) continue;
    lo = std::isnan(lo) ? mde : std::min(lo, mde);
    hi = std::isnan(hi) ? mde : std::max(hi, mde);
  }
  if (!cmp.baseline_problem.empty()) out += "Baseline: " + html_escape(cmp.baseline_problem) + ". ";
  if (cmp.rows.empty()) return out + "No other row to compare with the baseline.</p>\n";
  const bool any_compared = std::any_of(cmp.rows.begin(), cmp.rows.end(), [](const RowComparison& rc) { return rc.compared; });
  if (!any_compared)
    return out + "No row could be compared with the baseline (the comparison table says why).</p>\n";
  if (!std::isnan(lo))
    out += fmt::format("Minimum detectable effect of Kendall &tau; with these seeds (&alpha; = {:g}, power 0.8): {}. ",
                       1 - cmp.confidence,
                       lo == hi ? render::number(lo, 3) : render::number(lo, 3) + " to " + render::number(hi, 3));
  else
    out += "No minimum detectable effect: it needs two or more seeds in both rows of a comparison. ";
  int significant = 0, compared = 0;
  for (const auto& rc : cmp.rows) {
    compared += rc.compared ? 1 : 0;
    if (rc.compared && k < rc.significant.size() && rc.significant[k]) ++significant;
  }
  out += fmt::format("{} of {} compared row{} differ{} significantly from the baseline in Kendall &tau; (Holm p &lt; {:g}).",
                     significant, compared, compared == 1 ? "" : "s", significant == 1 ? "s" : "", cmp.alpha);
  return out + "</p>\n";
}

struct PlotInfo {
  const char* name;
  const char* title;
  const char* caption;
};
const PlotInfo kPlots[] = {
    {"ablation", "Ablation",
     "One bar per row, sorted by effect (largest on top). With a baseline and its paired comparison: &Delta; Kendall "
     "&tau; against the baseline on the common architectures, whiskers the bootstrap interval, significant rows "
     "(Holm) marked * and coloured, the grey band &plusmn; the baseline's seed-to-seed sd. Without: mean Kendall "
     "&tau; per row, whiskers &plusmn; sd over seeds."},
    {"topn-kendall", "Kendall &tau; among the top-n architectures",
     "Kendall &tau; among the n best architectures (by truth), per row the mean over its seeds and a band of "
     "&plusmn; one sample sd over the seeds (no band for one seed); the baseline in black."},
    {"scatter", "Prediction against truth", "One panel per finished cell, from its predictions.csv."},
};

std::string plots_section(const PlotResult* plots, const ReportOptions& options) {
  std::string out = "<section id=\"plots\">\n<h2>Plots</h2>\n";
  if (!plots) return out + "<p class=\"note\">Plots were not asked for.</p>\n</section>\n";
  for (const auto& w : plots->warnings) out += "<p class=\"warning\">" + html_escape(w) + "</p>\n";
  bool any = false;
  for (const auto& info : kPlots) {
    const fs::path png = options.plots_dir / (std::string(info.name) + ".png");
    if (std::find(plots->written.begin(), plots->written.end(), png) == plots->written.end()) continue;
    const std::string bytes = util::read_text(png);
    if (bytes.empty()) continue;
    any = true;
    std::string others;
    for (const char* ext : {"png", "svg", "pdf"}) {
      const fs::path f = options.plots_dir / (std::string(info.name) + "." + ext);
      if (std::find(plots->written.begin(), plots->written.end(), f) != plots->written.end())
        others += (others.empty() ? "" : ", ") + std::string("<code>") + html_escape(f.string()) + "</code>";
    }
    out += fmt::format("<figure id=\"plot-{0}\">\n<h3>{1}</h3>\n<img alt=\"{0} plot\" src=\"data:image/png;base64,{2}\">\n"
                       "<figcaption>{3} Files: {4}.</figcaption>\n</figure>\n",
                       info.name, info.title, base64_encode(bytes), info.caption, others);
  }
  if (!any && plots->warnings.empty()) out += "<p class=\"note\">No plot had data.</p>\n";
  return out + "</section>\n";
}

std::string cell_details(const CellResult& cell, const std::string& row, const ReportOptions& options) {
  const Status status = read_status(cell.dir);
  std::string out = fmt::format("<details class=\"cell\" id=\"{}\">\n<summary><code>{}</code> {} &middot; row {}"
                                "<span class=\"state {}\">{}</span></summary>\n",
                                anchor(cell.id), html_escape(cell.id), html_escape(cell.name.empty() ? cell.id : cell.name),
                                html_escape(row), state_class(status.state), html_escape(status.state));
  out += fmt::format("<p class=\"note\">Folder: <code>{}</code>{}</p>\n", html_escape(cell.dir.string()),
                     status.time.empty() ? "" : " &middot; status time " + html_escape(status.time));
  for (const char* name : {"status.json", "resolved-spec.yaml", "provenance.json"}) {
    const fs::path file = cell.dir / name;
    const std::string cls = std::string(name) == "resolved-spec.yaml" ? "resolved-spec"
                            : std::string(name) == "provenance.json"  ? "provenance"
                                                                      : "status";
    out += fmt::format("<h3>{}</h3>\n", name);
    if (!fs::exists(file)) {
      out += fmt::format("<p class=\"note {}\">No {} in the cell's folder.</p>\n", cls, name);
      continue;
    }
    bool truncated = false;
    const std::string text = read_limited(file, options.max_file_bytes, truncated);
    out += fmt::format("<pre class=\"{}\">{}</pre>\n", cls, html_escape(text));
    if (truncated) out += fmt::format("<p class=\"note\">(first {} bytes shown)</p>\n", options.max_file_bytes);
  }
  return out + "</details>\n";
}

std::string cells_section(const std::vector<CellResult>& cells, const ReportOptions& options) {
  std::string out = "<section id=\"cells\">\n<h2>Cells</h2>\n";
  out += fmt::format("<p class=\"note\">{} cell{}; each opens to its status, resolved spec (the spec it ran) and provenance "
                     "(version, commit, host, times).</p>\n",
                     cells.size(), cells.size() == 1 ? "" : "s");
  for (const auto& c : cells) out += cell_details(c, c.group.empty() ? "(base)" : c.group, options);
  return out + "</section>\n";
}

}  // namespace

std::string base64_encode(const std::string& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16 | static_cast<unsigned char>(bytes[i + 1]) << 8 |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += kAlphabet[v >> 6 & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[v >> 18 & 63];
    out += kAlphabet[v >> 12 & 63];
    out += i + 1 < bytes.size() ? kAlphabet[v >> 6 & 63] : '=';
    out += '=';
  }
  return out;
}

std::string render_report_page(const fs::path& results_dir, const std::vector<CellResult>& cells, const AblationTable& table,
                                const PlotResult* plots, const ReportOptions& options) {
  const std::string title = options.title.empty() ? "spbench report: " + matrix_name(results_dir) : options.title;
  int finished = 0;
  for (const auto& c : cells) finished += c.finished ? 1 : 0;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n";
  out += "<header>\n<h1>" + html_escape(title) + "</h1>\n";
  out += fmt::format("<p class=\"meta\">Results folder <code>{}</code> &middot; {} cell{} ({} finished) in {} row{}{}</p>\n",
                     html_escape(results_dir.string()), cells.size(), cells.size() == 1 ? "" : "s", finished,
                     table.rows.size(), table.rows.size() == 1 ? "" : "s",
                     table.baseline.empty() ? "" : " &middot; baseline <strong>" + html_escape(table.baseline) + "</strong>");
  out += "<nav class=\"note\"><a href=\"#table\">Table</a> &middot; <a href=\"#plots\">Plots</a> &middot; "
         "<a href=\"#cells\">Cells</a></nav>\n</header>\n";

  out += "<section id=\"table\">\n<h2>Ablation table</h2>\n";
  out += "<p class=\"legend\">One row per cell, cells differing only in their seed grouped: mean &plusmn; sample sd (n = "
         "cells with the value). <strong>Bold</strong>: the best value of the column among the rows.";
  if (!table.baseline.empty())
    out += " &Delta;: row &minus; baseline (the baseline row is highlighted); *: the paired comparison found a "
           "difference (Holm-adjusted p below the threshold; rows highlighted in the comparison table).";
  out += "</p>\n";
  out += noise_floor(table);
  out += "<div class=\"scroll\">\n" + make_table_renderer("html")->render(table) + "</div>\n</section>\n";

  out += plots_section(plots, options);
  out += cells_section(cells, options);
  out += "<footer>Written by spbench";
  if (!options.command_line.empty()) out += ": <code>" + html_escape(options.command_line) + "</code>";
  out += ". Self-contained: no script, no external resource.</footer>\n</body>\n</html>\n";
  return out;
}

ReportPage build_report_page(const fs::path& results_dir, const ReportOptions& options) {
  ReportPage page;
  const auto cells = read_cell_results(results_dir, options.ablation);
  const auto table = build_ablation_table(cells, options.ablation);
  PlotResult plots;
  if (!options.plots_dir.empty()) {
    plots = write_ablation_plots(cells, table, options.plots_dir);
    page.plots = plots.written;
    page.warnings = plots.warnings;
  }
  page.html = render_report_page(results_dir, cells, table, options.plots_dir.empty() ? nullptr : &plots, options);
  return page;
}

}  // namespace spbench::tables
