#pragma once
// The ablation table's content, before any format: rows of cells grouped
// over seeds (mean ± std (n)), Δ against a baseline row, the best value of
// each column marked, and the reference rows. Renderers (table_renderer.hpp)
// turn it into text.

#include <string>
#include <vector>

#include "spbench/analysis/tables/baseline_comparison.hpp"
#include "spbench/analysis/tables/cell_results.hpp"

namespace spbench::tables {

struct Stat {
  double mean = 0;
  double stdev = 0;  // sample standard deviation; NaN for n < 2
  int n = 0;       // values available; 0: n/a
};

struct AblationColumn {
  std::string key;    // kendall_tau, spearman_rho, pearson_r, top_n_tau, precision_at_k, best_truth, final_loss, train_seconds
  std::string title;  // plain text (markdown, csv header is the key)
  std::string tex;    // LaTeX title
  std::string html;   // HTML title
  bool higher_is_better = true;
  int digits = 3;
  bool reference = true;  // meaningful for the reference rows
};

struct AblationRow {
  std::string label;
  int cells = 0;     // cells in the group
  int finished = 0;  // of which finished
  int seeds = 0;     // distinct seed values among the finished cells (0 without a seed axis)
  bool baseline = false;
  bool reference = false;
  std::vector<Stat> values;   // one per column
  std::vector<double> delta;  // one per column; NaN: none
  std::vector<bool> best;     // one per column
  // One per column: the paired comparison with the baseline found a
  // difference (Holm-adjusted p < alpha); false where not compared.
  std::vector<bool> significant;
};

struct AblationTable {
  std::vector<AblationColumn> columns;
  std::vector<AblationRow> rows;        // cells (grouped over seeds)
  std::vector<AblationRow> references;  // parameters, FLOPs
  std::string baseline;                 // label of the baseline row, when there is one
  bool grouped = false;                 // some row averages several cells
  bool seeded = false;                  // the cells have a seed axis: the table shows seeds per row
  BaselineComparison comparison;        // with a baseline (and options.compare)
  ScoreColumn score = ScoreColumn::Prediction;  // what the ranking columns rank by
};

// Throws std::runtime_error for a baseline that names no row (with the rows).
AblationTable build_ablation_table(const std::vector<CellResult>& cells, const AblationOptions& options);

}  // namespace spbench::tables
