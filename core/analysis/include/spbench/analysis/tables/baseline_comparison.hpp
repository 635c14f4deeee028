#pragma once
// The paired comparison of every row of an ablation table with its
// baseline (docs/matrix.md, docs/metrics.md): for each compared column, Δ
// recomputed from the cells' predictions.csv on the architectures both rows
// scored, its hierarchical bootstrap interval, a permutation p-value, and
// Holm's correction across the rows (one family per column).

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "spbench/analysis/statistics/paired_comparison.hpp"
#include "spbench/analysis/tables/cell_results.hpp"

namespace spbench::tables {

struct RowComparison {
  std::string label;    // the row's label
  bool compared = false;
  std::string problem;  // why not compared (no predictions, no common architectures, …)
  statistics::PairedComparison result;
  std::vector<double> p_holm;     // per metric, aligned with result.metrics; NaN: no test
  std::vector<bool> significant;  // p_holm < alpha
};

struct BaselineComparison {
  std::string baseline;               // the baseline row's label; empty: no comparison
  std::vector<std::string> metrics;   // column keys, in the table's column order
  std::vector<RowComparison> rows;    // every row but the baseline, in table order
  std::size_t resamples = 0;
  std::uint64_t seed = 0;
  double confidence = 0.95;
  double alpha = 0.05;                // for the Holm-adjusted p-values
  std::string baseline_problem;       // set when the baseline itself has no usable predictions
};

// The rows are given as (label, cells of the row); `baseline` is one of the
// labels. Cells without predictions.csv (or unfinished) are left out.
BaselineComparison compare_with_baseline(const std::vector<std::pair<std::string, std::vector<const CellResult*>>>& rows,
                                         const std::string& baseline, const AblationOptions& options);

// Two arms from predictions files (predictions.csv: index, prediction,
// truth), one file per seed, each given with its seed label; joined as the
// table joins cells; `score` picks the ranking column (a loss is negated).
// Throws std::runtime_error naming the problem.
statistics::PairedData read_paired_data(const std::vector<std::pair<std::string, std::filesystem::path>>& a,
                                        const std::vector<std::pair<std::string, std::filesystem::path>>& b,
                                        ScoreColumn score = ScoreColumn::Prediction);

}  // namespace spbench::tables
