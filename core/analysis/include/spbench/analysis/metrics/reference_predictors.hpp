#pragma once
// Reference rows: predictors that need no super-network (parameter count,
// FLOPs), scored against the truth with the same metrics, so that a
// super-network's ranking can be read against what model size alone gives.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/analysis/results/benchmark_table.hpp"
#include "spbench/analysis/results/ground_truth.hpp"

namespace spbench::metrics {

// The dataset a benchmark column belongs to: its text before the first '_'
// ("cifar10_valid_acc_12ep" → "cifar10", "imagenet16_test_acc" → "imagenet16").
std::string dataset_of_column(const std::string& column);

struct ReferenceRow {
  std::string name;    // "params" or "flops"
  std::string column;  // e.g. "params_cifar10_M"
  RankingReport report;
};

// Scores `params_<dataset>_M` and `flops_<dataset>_M` of `table` as
// predictors of `truth` (larger = predicted better). With `only` non-empty,
// on those architectures alone (the ones a super-network scored, for a fair
// comparison). Throws TableError when a column is missing.
std::vector<ReferenceRow> score_reference_predictors(const tables::BenchmarkTable& table,
                                                     const tables::GroundTruth& truth, const std::string& dataset,
                                                     const RankingOptions& options = {},
                                                     const std::vector<int>& only = {});

// Zero-cost reference rows: every score column of `file` (a table named by an
// `arch` or `index` column, as `spbench zero-cost` writes it: arch, index,
// synflow, snip, ...) scored against `truth` as a predictor (larger = better),
// each row named after its column. With `only` non-empty, on those
// architectures alone. An architecture whose score is empty or not finite
// (undefined) is left out of that row, as the published analyses omit NaN;
// the row's n says how many remain. Throws TableError for an unreadable file
// or a column that shares fewer than two architectures with the truth.
std::vector<ReferenceRow> score_zero_cost_rows(const std::filesystem::path& file, const tables::GroundTruth& truth,
                                               const RankingOptions& options = {}, const std::vector<int>& only = {});

// The reference rows as a text table, as `spbench score` and a run's log
// print them: a heading naming the architectures of the first row, then one
// line per row (its column; "(n=…)" where a row has fewer architectures, as
// a zero-cost row whose score is undefined for some) with one column per
// scalar metric of the registry. Empty for no rows.
std::string reference_rows_text(const std::vector<ReferenceRow>& rows);

}  // namespace spbench::metrics
