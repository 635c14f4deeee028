#include "spbench/study/scatter_plot.hpp"

#include <fmt/format.h>

#include "spbench/util/atomic_file.hpp"
#include "spbench/util/gnuplot.hpp"
#include "study_sink.hpp"

namespace spbench::evaluation {

namespace fs = std::filesystem;
bool plot_scatter(const fs::path& dir, const std::string& title, const Sink& sink) {
  std::string safe_title;
  for (char c : title) safe_title += (c == '\'' || c == '\\') ? '_' : c;
  const std::string script = fmt::format(
      "# prediction vs truth; made by spbench, rerun with: gnuplot scatter.gp\n"
      "set datafile separator ','\n"
      "set terminal png size 900,700\n"
      "set output 'scatter.png'\n"
      "set title '{}' noenhanced\n"
      "set xlabel 'super-network validation accuracy (%)'\n"
      "set ylabel 'ground truth'\n"
      "set key off\n"
      "set grid\n"
      "# columns: arch,index,prediction,loss,truth (the header line is skipped)\n"
      "plot 'predictions.csv' every ::1 using 3:5 with points pt 7 ps 0.4\n",
      safe_title);
  write_file_atomic(dir / "scatter.gp", script);
  const std::string gnuplot = util::find_gnuplot();
  if (gnuplot.empty()) {
    say(sink, "warning: gnuplot not found: no scatter.png (install gnuplot-nox, then run `gnuplot scatter.gp` in the run folder)");
    return false;
  }
  if (!util::run_gnuplot(gnuplot, dir, "scatter.gp", "gnuplot.log")) {
    say(sink, fmt::format("warning: gnuplot failed, no scatter.png (see {})", (dir / "gnuplot.log").string()));
    return false;
  }
  std::error_code ec;
  fs::remove(dir / "gnuplot.log", ec);
  return true;
}

}  // namespace spbench::evaluation
