// The matrix plots: data files and a gnuplot script per plot, rendered to
// PNG by gnuplot when it is installed. The .dat/.gp files stay beside the
// PNGs so that a plot can be restyled by hand.

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "spbench/util/atomic_file.hpp"
#include "spbench/analysis/tables/ablation_plots.hpp"
#include "spbench/util/gnuplot.hpp"

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

// prediction and truth columns of a predictions.csv (rows without truth skipped).
std::vector<std::pair<double, double>> read_predictions(const fs::path& file) {
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
  const std::size_t p = pos("prediction"), t = pos("truth");
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
  std::string script;  // gnuplot commands after the terminal/output lines
  std::string size;    // "900,600"
};

}  // namespace

PlotResult write_ablation_plots(const std::vector<CellResult>& cells, const AblationTable& table, const fs::path& out_dir) {
  PlotResult result;
  const std::string gnuplot = util::find_gnuplot();
  if (gnuplot.empty()) {
    result.warnings.push_back("gnuplot not found: plots skipped (install Debian's gnuplot-nox)");
    return result;
  }
  fs::create_directories(out_dir);
  std::vector<Plot> plots;

  // Kendall tau against top-n: per row, mean ± std over its cells at each n.
  {
    std::vector<std::string> lines;
    int file_no = 0;
    std::map<std::string, std::vector<const CellResult*>> by_group;
    for (const auto& c : cells)
      if (c.finished && !c.top_n_curve.empty()) by_group[c.group.empty() ? "(base)" : c.group].push_back(&c);
    for (const auto& row : table.rows) {
      auto it = by_group.find(row.label);
      if (it == by_group.end()) continue;
      std::map<double, std::vector<double>> at;
      for (const auto* c : it->second)
        for (const auto& [n, tau] : c->top_n_curve) at[n].push_back(tau);
      std::string data;
      for (const auto& [n, taus] : at) {
        double mean = 0, ss = 0;
        for (double t : taus) mean += t;
        mean /= static_cast<double>(taus.size());
        for (double t : taus) ss += (t - mean) * (t - mean);
        const double sd = taus.size() > 1 ? std::sqrt(ss / static_cast<double>(taus.size() - 1)) : 0.0;
        data += fmt::format("{} {} {} {}\n", n, mean, mean - sd, mean + sd);
      }
      const std::string file = fmt::format("topn-kendall-{}.dat", file_no++);
      write_file_atomic(out_dir / file, data);
      lines.push_back(fmt::format("'{0}' using 1:3:4 with filledcurves fillstyle transparent solid 0.2 linecolor {1} notitle, "
                                  "'{0}' using 1:2 with linespoints linecolor {1} title {2}",
                                  file, file_no, gp_string(row.label)));
    }
    if (!lines.empty()) {
      std::string s = "set logscale x\nset xlabel 'top-n architectures (by truth)'\nset ylabel 'Kendall tau'\n"
                      "set key below left vertical font ',9'\nset grid\nplot ";
      for (std::size_t i = 0; i < lines.size(); ++i) s += (i ? ", \\\n     " : "") + lines[i];
      plots.push_back({"topn-kendall", s + "\n", fmt::format("900,{}", 520 + 18 * static_cast<int>(lines.size()))});
    }
  }

  // Prediction against truth, one panel per cell.
  {
    std::vector<std::pair<std::string, std::string>> panels;  // title, data file
    for (const auto& c : cells) {
      if (!c.finished) continue;
      const auto points = read_predictions(c.dir / "predictions.csv");
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
      std::string s = fmt::format("set multiplot layout {},{}\nunset key\n", rows, cols);
      for (const auto& [title, file] : panels)
        s += fmt::format("set title {} font ',8'\nset xlabel 'prediction'\nset ylabel 'truth'\n"
                         "plot '{}' using 1:2 with points pointtype 7 pointsize 0.4\n",
                         gp_string(title), file);
      s += "unset multiplot\n";
      plots.push_back({"scatter", s, fmt::format("{},{}", 360 * cols, 300 * rows)});
    }
  }

  // The ablation: Kendall tau per row with std whiskers.
  {
    std::string data;
    int i = 0;
    double low = 0;  // bars start at 0, so the axis must show it
    for (const auto& row : table.rows) {
      const Stat& s = row.values.front();  // kendall_tau is the first column
      if (s.n == 0) continue;
      const double sd = std::isnan(s.stdev) ? 0.0 : s.stdev;
      low = std::min(low, s.mean - sd);
      data += fmt::format("{} {} {} {}\n", i++, s.mean, sd, gp_string(row.label));
    }
    if (i > 0) {
      write_file_atomic(out_dir / "ablation.dat", data);
      plots.push_back({"ablation",
                       fmt::format("set style fill solid 0.5 border -1\nset boxwidth 0.6\nset ylabel 'Kendall tau'\n"
                                   "set yrange [{}:*]\nset xtics rotate by -25 left font ',8'\nset bmargin 12\n"
                                   "set rmargin 28\nset grid ytics\nunset key\nset offsets 0.5,0.5,0,0\n"
                                   "plot 'ablation.dat' using 1:2:xtic(4) with boxes, "
                                   "'' using 1:2:3 with yerrorbars pointtype -1 linecolor 'black'\n",
                                   low < 0 ? low * 1.1 : 0.0),
                       fmt::format("{},600", std::max(700, 180 * i + 250))});
    }
  }

  for (const auto& plot : plots) {
    const std::string script = fmt::format("set terminal pngcairo size {} noenhanced\nset output '{}.png'\n{}", plot.size,
                                           plot.name, plot.script);
    write_file_atomic(out_dir / (plot.name + ".gp"), script);
    // Run in the plot folder so that the scripts name their data files plainly.
    const bool ok = util::run_gnuplot(gnuplot, out_dir, plot.name + ".gp", plot.name + ".log");
    const fs::path png = out_dir / (plot.name + ".png");
    if (!ok || !fs::exists(png) || fs::file_size(png) == 0)
      result.warnings.push_back(fmt::format("gnuplot failed on {}.gp (see {})", plot.name,
                                            (out_dir / (plot.name + ".log")).string()));
    else
      result.written.push_back(png);
  }
  return result;
}

}  // namespace spbench::tables
