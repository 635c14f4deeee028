#pragma once
// The matrix's plots, drawn by gnuplot from the ablation table and the cells.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/tables/ablation_table.hpp"
#include "spbench/analysis/tables/cell_results.hpp"

namespace spbench::tables {

// Plots into `out_dir`, each as <name>.png, <name>.svg and <name>.pdf (gnuplot's
// pngcairo, svg and pdfcairo terminals), with <name>.plot.gp (the plot,
// terminal-free, for restyling), <name>.gp (runs it once per format) and
// the .dat files beside them:
//   topn-kendall  Kendall tau against top-n: per row the mean over its seeds,
//                 a band of ± one sample sd over the seeds (none for one seed);
//   scatter       prediction against truth, one panel per cell (predictions.csv);
//   ablation      one horizontal bar per row, sorted by effect (ablation_bars).
// A plot without data is left out.
struct PlotResult {
  std::vector<std::filesystem::path> written;  // every file of every format (png, svg, pdf per plot)
  std::vector<std::string> warnings;           // e.g. gnuplot missing: nothing written
};
PlotResult write_ablation_plots(const std::vector<CellResult>& cells, const AblationTable& table,
                                const std::filesystem::path& out_dir);

// The ablation plot's bars. With a paired comparison (table.comparison) and a
// compared row, the bars show Δ Kendall tau against the baseline (the
// comparison's Δ on the common architectures, whiskers its bootstrap
// interval; the table's Δ without whiskers for a row that was not
// compared), significant rows marked, and a band of ± the baseline's
// seed-to-seed sd around 0. Otherwise they show the mean Kendall tau per row,
// whiskers ± its sd over seeds, and with a baseline a band of its mean ± sd.
struct AblationBar {
  std::string label;
  double effect = 0;     // Δ or mean
  double low = 0, high = 0;  // whisker ends; NaN: none
  bool significant = false;  // Holm-adjusted p < alpha
  bool compared = false;     // Δ bars: the paired comparison ran for this row (else no whiskers)
};
struct AblationBars {
  bool delta = false;           // bars are Δ against the baseline
  std::string axis;             // "Δ Kendall τ (row − baseline)", "Kendall τ"
  std::string whiskers;         // what the whiskers are, for a key or caption
  double band_center = 0;       // the shaded band: center ± half width
  double band_half_width = 0;   // NaN: no band
  std::string band_title;
  std::vector<AblationBar> bars;  // largest effect first (the top of the plot)
};
AblationBars ablation_bars(const AblationTable& table);

}  // namespace spbench::tables
