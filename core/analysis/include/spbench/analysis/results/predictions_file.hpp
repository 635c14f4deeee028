#pragma once
// predictions.csv: what a run predicts for each architecture it scored, and
// reading any predictions table (ours or one produced elsewhere).
//
// Written columns: arch, index, prediction, loss, truth. `prediction` is
// "higher is better" (for a loss-based score, the negated loss); `loss` and
// `truth` are empty when unknown. Numbers use the shortest text that reads
// back to the same double, so a file round-trips exactly.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "spbench/analysis/results/indexed_values.hpp"

namespace spbench::tables {

struct PredictionRow {
  std::string arch;  // NAS-Bench-201 string
  int index = -1;    // NAS-Bench-201 index
  double prediction = 0;
  std::optional<double> loss;
  std::optional<double> truth;
};

std::string predictions_csv(const std::vector<PredictionRow>& rows);
// Written atomically (never a half-written file after a crash).
void write_predictions_csv(const std::filesystem::path& file, const std::vector<PredictionRow>& rows);

// Reads the score column `column` of any predictions table whose rows are
// named by an `arch` or an `index` column; errors and left-out rows as in
// read_indexed_column.
IndexedLoad read_predictions(const std::filesystem::path& file, const std::string& column = "prediction",
                             JoinKey key = JoinKey::Auto);

}  // namespace spbench::tables
