// The matrix plots: data files and gnuplot scripts per plot, rendered to
// PNG, SVG and PDF by gnuplot when it is installed. The .dat/.gp files stay
// beside the pictures so that a plot can be restyled by hand (edit
// <name>.plot.gp, run `gnuplot <name>.gp` in the folder).

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "spbench/util/atomic_file.hpp"
#include "spbench/analysis/tables/ablation_plots.hpp"
#include "spbench/util/gnuplot.hpp"
#include "render_pieces.hpp"

namespace spbench::tables {

namespace fs = std::filesystem;

namespace {

// A gnuplot double-quoted string (the terminal is noenhanced: no markup).
std::string gp_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The score column (prediction or loss) and truth of a predictions.csv (rows
// without either skipped).
std::vector<std::pair<double, double>> read_predictions(const fs::path& file, const char* column) {
  std::vector<std::pair<double, double>> out;
  std::ifstream in(file);
  std::string line;
  if (!std::getline(in, line)) return out;
  auto split = [](const std::string& l) {
    std::vector<std::string> f;
    std::stringstream s(l);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    return f;
  };
  const auto header = split(line);
  const auto pos = [&](const char* name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::size_t p = pos(column), t = pos("truth");
  if (p >= header.size() || t >= header.size()) return out;
  while (std::getline(in, line)) {
    const auto f = split(line);
    if (f.size() <= std::max(p, t) || f[p].empty() || f[t].empty()) continue;
    try {
      out.emplace_back(std::stod(f[p]), std::stod(f[t]));
    } catch (const std::exception&) {
    }
  }
  return out;
}

struct Plot {
  std::string name;    // file stem
  std::string script;  // the plot's gnuplot commands, without terminal or output
  int width = 900, height = 600;  // pixels of the PNG (and the SVG); the PDF at 72 per inch
};

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string data_number(double v) { return std::isnan(v) ? "?" : fmt::format("{}", v); }

std::size_t column_of(const AblationTable& t, const std::string& key) {
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    if (t.columns[c].key == key) return c;
  return t.columns.size();
}

// The three formats: terminal line, file extension.
struct Format {
  const char* ext;
  std::string terminal;
};
std::vector<Format> formats(const Plot& p) {
  return {{"png", fmt::format("set terminal pngcairo size {},{} noenhanced font 'Sans,10'", p.width, p.height)},
          {"svg", fmt::format("set terminal svg size {},{} noenhanced font 'Sans,10' background rgb 'white'", p.width,
                              p.height)},
          {"pdf", fmt::format("set terminal pdfcairo size {:.2f}in,{:.2f}in noenhanced font 'Sans,10'", p.width / 72.0,
                              p.height / 72.0)}};
}

}  // namespace

AblationBars ablation_bars(const AblationTable& table) {
  AblationBars out;
  out.band_half_width = kNaN;
  const std::size_t tau = column_of(table, "kendall_tau");
  if (tau == table.columns.size()) return out;
  const AblationRow* base = nullptr;
  for (const auto& r : table.rows)
    if (r.baseline) base = &r;
  double base_sd = base && base->values[tau].n > 1 ? base->values[tau].stdev : kNaN;

  // Δ against the baseline: the comparison's where the row was compared.
  const auto& cmp = table.comparison;
  std::size_t k_tau = cmp.metrics.size();
  for (std::size_t k = 0; k < cmp.metrics.size(); ++k)
    if (cmp.metrics[k] == "kendall_tau") k_tau = k;
  if (!cmp.baseline.empty() && k_tau < cmp.metrics.size()) {
    for (const auto& row : table.rows) {
      if (row.baseline) continue;
      AblationBar bar;
      bar.label = row.label;
      bar.low = bar.high = kNaN;
      bar.effect = row.delta[tau];
      const auto rc = std::find_if(cmp.rows.begin(), cmp.rows.end(), [&](const RowComparison& c) { return c.label == row.label; });
      if (rc != cmp.rows.end() && rc->compared && k_tau < rc->result.metrics.size()) {
        const auto& m = rc->result.metrics[k_tau];
        if (!std::isnan(m.delta)) bar.effect = m.delta;
        bar.low = m.low;
        bar.high = m.high;
        bar.significant = k_tau < rc->significant.size() && rc->significant[k_tau];
        bar.compared = true;
      }
      if (!std::isnan(bar.effect)) out.bars.push_back(std::move(bar));
    }
    if (!out.bars.empty()) {
      out.delta = true;
      out.axis = "Δ Kendall τ (row − baseline)";
      out.whiskers = fmt::format("{:g} % CI (paired hierarchical bootstrap)", cmp.confidence * 100);
      // The noise floor on the same architectures as the Δ: the comparison's
      // (first compared row's) baseline sd, else the table's.
      double sd = base_sd;
      for (const auto& rc : cmp.rows)
        if (rc.compared && k_tau < rc.result.metrics.size() && !std::isnan(rc.result.metrics[k_tau].baseline_sd)) {
          sd = rc.result.metrics[k_tau].baseline_sd;
          break;
        }
      out.band_center = 0;
      out.band_half_width = sd;
      base_sd = sd;
      out.band_title = std::isnan(base_sd) ? "" : fmt::format("± baseline seed-to-seed sd ({:.3f})", base_sd);
    }
  }
  if (!out.delta) {
    for (const auto& row : table.rows) {
      const Stat& s = row.values[tau];
      if (s.n == 0) continue;
      AblationBar bar;
      bar.label = row.baseline ? row.label + " (baseline)" : row.label;
      bar.effect = s.mean;
      bar.low = std::isnan(s.stdev) ? kNaN : s.mean - s.stdev;
      bar.high = std::isnan(s.stdev) ? kNaN : s.mean + s.stdev;
      out.bars.push_back(std::move(bar));
    }
    out.axis = "Kendall τ";
    out.whiskers = "mean ± sd over seeds";
    if (base && !std::isnan(base_sd)) {
      out.band_center = base->values[tau].mean;
      out.band_half_width = base_sd;
      out.band_title = fmt::format("baseline mean ± seed-to-seed sd ({:.3f} ± {:.3f})", out.band_center, base_sd);
    }
  }
  std::stable_sort(out.bars.begin(), out.bars.end(), [](const AblationBar& a, const AblationBar& b) { return a.effect > b.effect; });
  return out;
}

PlotResult write_ablation_plots(const std::vector<CellResult>& cells, const AblationTable& table, const fs::path& out_dir) {
  PlotResult result;
  const std::string gnuplot = util::find_gnuplot();
  if (gnuplot.empty()) {
    result.warnings.push_back("gnuplot not found: plots skipped (install Debian's gnuplot-nox)");
    return result;
  }
  fs::create_directories(out_dir);
  std::vector<Plot> plots;

  // Kendall tau against top-n: per row, the mean over its cells (seeds) at
  // each n, and a band of ± one sample sd where two or more cells have the point.
  {
    std::vector<std::string> lines;
    std::set<double> all_n;
    int file_no = 0;
    std::map<std::string, std::vector<const CellResult*>> by_group;
    for (const auto& c : cells)
      if (c.finished && !c.top_n_curve.empty()) by_group[c.group.empty() ? "(base)" : c.group].push_back(&c);
    for (const auto& row : table.rows) {
      auto it = by_group.find(row.label);
      if (it == by_group.end()) continue;
      std::map<double, std::vector<double>> at;
      for (const auto* c : it->second)
        for (const auto& [n, tau] : c->top_n_curve)
          if (!std::isnan(tau)) at[n].push_back(tau);
      std::string data = "# n  mean  mean-sd  mean+sd  cells (sample sd over the row's cells; no band for one cell)\n";
      for (const auto& [n, taus] : at) {
        double mean = 0, ss = 0;
        for (double t : taus) mean += t;
        mean /= static_cast<double>(taus.size());
        for (double t : taus) ss += (t - mean) * (t - mean);
        const double sd = taus.size() > 1 ? std::sqrt(ss / static_cast<double>(taus.size() - 1)) : 0.0;
        data += fmt::format("{} {} {} {} {}\n", n, mean, mean - sd, mean + sd, taus.size());
      }
      const std::string file = fmt::format("topn-kendall-{}.dat", file_no++);
      write_file_atomic(out_dir / file, data);
      const std::string color = row.baseline ? "rgb 'black'" : std::to_string(file_no);
      for (const auto& point : at) all_n.insert(point.first);
      const std::string title = fmt::format("{}{} (n = {})", row.label, row.baseline ? " (baseline)" : "", it->second.size());
      lines.push_back(fmt::format("'{0}' using 1:3:4 with filledcurves fillstyle transparent solid 0.15 noborder linecolor {1} notitle, \\\n"
                                  "     '{0}' using 1:2 with linespoints linewidth {3} pointtype 7 pointsize 0.6 linecolor {1} title {2}",
                                  file, color, gp_string(title), row.baseline ? 2.5 : 1.5));
    }
    if (!lines.empty()) {
      std::string tics;
      for (double n : all_n) tics += fmt::format("{}{:g}", tics.empty() ? "" : ", ", n);
      // The key (one line per row) in the bottom left corner of the canvas, under the axis label.
      std::string s = fmt::format("set encoding utf8\nset logscale x\nset xrange [{:g}:{:g}]\nset xtics ({})\n"
                                  "set xlabel 'top-n architectures (by truth), log scale'\nset ylabel 'Kendall τ among the top n'\n"
                                  "set title 'Kendall τ of the top-n architectures: mean over seeds (n cells), band ± 1 sd over seeds'\n"
                                  "set key at screen 0.01, screen 0.01 left bottom vertical reverse Left samplen 3 font ',9'\n"
                                  "set bmargin {}\nset grid\nplot ",
                                  *all_n.begin() / 1.15, *all_n.rbegin() * 1.15, tics, 5 + static_cast<int>(lines.size()));
      for (std::size_t i = 0; i < lines.size(); ++i) s += (i ? ", \\\n     " : "") + lines[i];
      plots.push_back({"topn-kendall", s + "\n", 900, 560 + 18 * static_cast<int>(lines.size())});
    }
  }

  // Prediction against truth, one panel per cell.
  {
    std::vector<std::pair<std::string, std::string>> panels;  // title, data file
    for (const auto& c : cells) {
      if (!c.finished) continue;
      const auto points =
          read_predictions(c.dir / "predictions.csv", table.score == ScoreColumn::Loss ? "loss" : "prediction");
      if (points.empty()) continue;
      std::string data;
      for (const auto& [p, t] : points) data += fmt::format("{} {}\n", p, t);
      const std::string file = fmt::format("scatter-{}.dat", c.id);
      write_file_atomic(out_dir / file, data);
      panels.emplace_back(c.name.empty() ? c.id : c.name, file);
    }
    if (!panels.empty()) {
      const int cols = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(panels.size()))));
      const int rows = (static_cast<int>(panels.size()) + cols - 1) / cols;
      std::string s = fmt::format("set encoding utf8\nset multiplot layout {},{}\nunset key\n", rows, cols);
      for (const auto& [title, file] : panels)
        s += fmt::format("set title {} font ',8'\nset xlabel '{}'\nset ylabel 'truth'\n"
                         "plot '{}' using 1:2 with points pointtype 7 pointsize 0.4\n",
                         gp_string(title), table.score == ScoreColumn::Loss ? "loss (lower is better)" : "prediction", file);
      s += "unset multiplot\n";
      plots.push_back({"scatter", s, 360 * cols, 300 * rows});
    }
  }

  // The ablation: one horizontal bar per row, largest effect on top.
  if (const AblationBars bars = ablation_bars(table); !bars.bars.empty()) {
    const int n = static_cast<int>(bars.bars.size());
    std::string data = "# y  effect  low  high  significant  text  label  text-x  (? = none)\n";
    std::string tics;
    double lo = 0, hi = 0;
    for (int i = 0; i < n; ++i) {
      const AblationBar& b = bars.bars[static_cast<std::size_t>(i)];
      const int y = n - 1 - i;  // the first bar on top
      const std::string text = (bars.delta ? render::signed_number(b.effect, 3) : fmt::format("{:.3f}", b.effect)) + (b.significant ? "*" : "");
      double text_x = b.effect;
      if (!std::isnan(b.high)) text_x = std::max(text_x, b.high);
      data += fmt::format("{} {} {} {} {} {} {} {}\n", y, b.effect, data_number(b.low), data_number(b.high), b.significant ? 1 : 0,
                          gp_string(text), gp_string(b.label), std::max(text_x, 0.0));
      const std::string mark = b.significant ? " *" : bars.delta && !b.compared ? " (not compared)" : "";
      tics += fmt::format("{}{} {}", tics.empty() ? "" : ", ", gp_string(b.label + mark), y);
      for (double v : {b.effect, b.low, b.high})
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    }
    const bool band = !std::isnan(bars.band_half_width);
    if (band) {
      lo = std::min(lo, bars.band_center - bars.band_half_width);
      hi = std::max(hi, bars.band_center + bars.band_half_width);
    }
    const double span = hi - lo > 0 ? hi - lo : 1.0;
    write_file_atomic(out_dir / "ablation.dat", data);
    std::string s = "set encoding utf8\nset datafile missing '?'\n";
    s += fmt::format("set xrange [{}:{}]\nset yrange [-0.7:{}]\n", lo - 0.05 * span, hi + 0.2 * span, n - 0.3);
    s += fmt::format("set ytics ({}) font ',10' nomirror\nset xtics nomirror\nset grid xtics\n", tics);
    s += fmt::format("set xlabel {}\n", gp_string(bars.axis));
    if (bars.delta) s += fmt::format("set title {} font ',10'\n", gp_string("baseline: " + table.baseline));
    // The key in the bottom left corner of the canvas: centred under the graph it would run off the right edge.
    s += "set key at screen 0.01, screen 0.01 left bottom horizontal reverse Left samplen 2 font ',9'\nset bmargin 5.5\n"
         "set style fill solid 0.85 noborder\nset border 3\n";
    s += "set arrow 1 from 0, graph 0 to 0, graph 1 nohead linecolor rgb '#444444' linewidth 1\n";
    if (band)
      s += fmt::format("set object 1 rect from {}, graph 0 to {}, graph 1 behind fillcolor rgb '#dcdcdc' fillstyle solid 1.0 noborder\n",
                       bars.band_center - bars.band_half_width, bars.band_center + bars.band_half_width);
    const std::string bar_using = "using 2:($5==SIG ? $1 : NaN):($2<0 ? $2 : 0):($2>0 ? $2 : 0):($1-0.32):($1+0.32)";
    s += "plot ";
    std::vector<std::string> parts;
    const bool any_plain = std::any_of(bars.bars.begin(), bars.bars.end(), [](const AblationBar& b) { return !b.significant; });
    const bool any_significant = std::any_of(bars.bars.begin(), bars.bars.end(), [](const AblationBar& b) { return b.significant; });
    if (any_plain)
      parts.push_back("'ablation.dat' " + std::string(bar_using).replace(bar_using.find("SIG"), 3, "0") +
                      " with boxxyerror linecolor rgb '#8fb8de' title " +
                      gp_string(bars.delta ? "Δ" : "mean Kendall τ"));
    if (any_significant)
      parts.push_back("'ablation.dat' " + std::string(bar_using).replace(bar_using.find("SIG"), 3, "1") +
                      " with boxxyerror linecolor rgb '#d9622b' title " +
                      gp_string(fmt::format("Δ, significant (Holm p < {:g}) *", table.comparison.alpha)));
    const bool any_whisker = std::any_of(bars.bars.begin(), bars.bars.end(), [](const AblationBar& b) { return !std::isnan(b.low); });
    parts.push_back("'ablation.dat' using 2:1:3:4 with xerrorbars pointtype 7 pointsize 0.5 linecolor rgb 'black' " +
                    (any_whisker ? "title " + gp_string(bars.delta ? fmt::format("{:g} % CI", table.comparison.confidence * 100)
                                                                    : std::string("± sd over seeds"))
                                 : std::string("notitle")));
    parts.push_back(fmt::format("'ablation.dat' using ($8 + {}):1:6 with labels left font ',9' notitle", 0.01 * span));
    if (band && !bars.band_title.empty())
      parts.push_back("keyentry with boxes fillcolor rgb '#dcdcdc' fillstyle solid 1.0 noborder title " + gp_string(bars.band_title));
    for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? ", \\\n     " : "") + parts[i];
    s += "\n";
    plots.push_back({"ablation", s, 1000, std::max(330, 250 + 40 * n)});
  }

  for (const auto& plot : plots) {
    // The plot itself, terminal-free, and a driver that renders it in every format.
    write_file_atomic(out_dir / (plot.name + ".plot.gp"), plot.script);
    std::string driver = fmt::format("# Renders {0}.plot.gp as PNG, SVG and PDF: gnuplot {0}.gp\n", plot.name);
    for (const auto& f : formats(plot))
      driver += fmt::format("reset\n{}\nset output '{}.{}'\nload '{}.plot.gp'\nunset output\n", f.terminal, plot.name, f.ext,
                            plot.name);
    write_file_atomic(out_dir / (plot.name + ".gp"), driver);
    for (const auto& f : formats(plot)) fs::remove(out_dir / (plot.name + "." + f.ext));  // no stale picture counts
    // Run in the plot folder so that the scripts name their data files plainly.
    const bool ok = util::run_gnuplot(gnuplot, out_dir, plot.name + ".gp", plot.name + ".log");
    bool complete = ok;
    for (const auto& f : formats(plot)) {
      const fs::path file = out_dir / (plot.name + "." + f.ext);
      if (fs::exists(file) && fs::file_size(file) > 0)
        result.written.push_back(file);
      else
        complete = false;
    }
    if (!complete)
      result.warnings.push_back(fmt::format("gnuplot failed on {}.gp (see {})", plot.name,
                                            (out_dir / (plot.name + ".log")).string()));
  }
  return result;
}

}  // namespace spbench::tables
