#pragma once
// Reading a matrix's results folder for the ablation table: one CellResult
// per cell, from its run folder:
//   metrics.json     the RankingReport JSON (metrics::to_json), either at the
//                    top level or under "metrics", plus "reference_rows":
//                    [{name, column, metrics}]. Read back with
//                    metrics::report_from_json; every metric of the registry
//                    it holds becomes a value (a missing one reads "n/a").
//   predictions.csv  only with score = loss: the ranking metrics are
//                    recomputed from its loss and truth columns.
//   train-log.jsonl  one line per epoch: training time is the sum of
//                    "seconds", the final loss the last line's "loss".
// Only finished cells contribute values.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "spbench/analysis/metrics/metric_registry.hpp"

namespace spbench::tables {

struct CellResult {
  std::string id;
  std::string name;   // "sampler=uniform,strategy=one-shot,seed=0"; empty for a spec without matrix
  std::string group;  // the name without the seed axis
  std::string seed;   // the seed axis' value ("" without one): pairs cells across rows
  std::filesystem::path dir;
  bool finished = false;
  std::map<std::string, double> values;  // by column key; absent: not available
  // Reference rows by name ("params", "flops"): their values by column key.
  std::vector<std::pair<std::string, std::map<std::string, double>>> references;
  // The top-n Kendall curve: (architectures, tau), in the file's order.
  std::vector<std::pair<double, double>> top_n_curve;
};

// Which column of a run's predictions.csv ranks the architectures.
enum class ScoreColumn {
  Prediction,  // the run's own score (accuracy for a supernet): metrics.json as written
  Loss,        // the scoring loss, lower is better: every ranking metric recomputed from predictions.csv
};
// "prediction" / "loss"; parse throws std::invalid_argument naming the choices.
std::string score_column_name(ScoreColumn score);
ScoreColumn parse_score_column(const std::string& name);

struct AblationOptions {
  std::string baseline;           // a group label, cell name or cell id; empty: no Δ
  bool timing = true;             // include the training-time column
  // Which point of the top-n Kendall curve (top_n) and which precision@k
  // entry (precision_k, its label: "10", "1%", …) the columns show.
  metrics::MetricParameters parameters;
  // Loss: the ranking columns (tau, rho, r, top-n, P@k, best arch.) and the
  // paired comparison come from predictions.csv's loss column, negated; the
  // reference rows and the training columns are unchanged. A cell without a
  // loss column reads n/a. The proxy ranks better by loss (experiments/study).
  ScoreColumn score = ScoreColumn::Prediction;
  // The paired comparison with the baseline (baseline_comparison.hpp), from
  // the cells' predictions.csv; only with a baseline.
  bool compare = true;
  std::size_t comparison_resamples = 1000;  // bootstrap resamples and random permutations
  std::uint64_t comparison_seed = 0;
};

// Reads <results>/matrix.json and every cell's folder. Without matrix.json,
// every sub-folder holding a status.json is one cell named by its folder.
// Throws std::runtime_error when there is nothing to read.
std::vector<CellResult> read_cell_results(const std::filesystem::path& results_dir, const AblationOptions& options = {});

}  // namespace spbench::tables
