#pragma once
// Everything `spbench score PREDICTIONS.csv --truth FILE --metric COLUMN`
// does, so that the command is a thin wrapper: read the predictions and the
// truth, join them (reporting what did not join), score with every metric,
// add the reference rows, and render a text table or JSON.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/analysis/metrics/reference_predictors.hpp"
#include "spbench/analysis/results/indexed_values.hpp"
#include "spbench/analysis/results/joined_sample.hpp"

namespace spbench::metrics {

enum class ReportFormat { Text, Json };

struct ScorePredictionsOptions {
  std::filesystem::path predictions;
  std::string column = "prediction";  // the score column of the predictions file
  bool lower_is_better = false;       // e.g. column = "loss": negated before scoring
  tables::JoinKey key = tables::JoinKey::Auto;
  std::filesystem::path truth;        // e.g. ../shared/data/nb201/nb201.csv
  std::string metric = "cifar10_test_acc";
  RankingOptions ranking;
  // Score params/FLOPs of the truth table on the same architectures, when the
  // table has those columns for the metric's dataset.
  bool reference_rows = true;
  // Zero-cost scores (`spbench zero-cost --out`): each proxy column becomes a
  // reference row on the same architectures. Empty: none.
  std::filesystem::path zero_cost;
  ReportFormat format = ReportFormat::Text;
};

struct ScorePredictionsResult {
  RankingReport report;
  tables::JoinReport predictions_rows;  // rows of the predictions file left out
  tables::JoinReport truth_rows;        // rows of the truth table left out
  tables::JoinedSample sample;          // the pairing (its vectors hold the scored data)
  std::vector<ReferenceRow> references;
  std::string references_note;          // why there are none, when there are none
};

// Throws tables::TableError for unreadable files, unknown columns (with
// "did you mean") and malformed numbers; std::runtime_error when no
// architecture has both a prediction and a truth value.
ScorePredictionsResult score_predictions(const ScorePredictionsOptions& options);

std::string render(const ScorePredictionsResult& result, const ScorePredictionsOptions& options);

// score_predictions + render.
std::string score_predictions_file(const ScorePredictionsOptions& options);

}  // namespace spbench::metrics
