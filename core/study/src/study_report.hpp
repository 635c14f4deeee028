#pragma once
// Private to the study: a run's results from its complete prediction rows,
// the one code path for unsharded runs and merged shards.

#include <nlohmann/json.hpp>

#include <filesystem>
#include <vector>

#include "spbench/study/study.hpp"
#include "spbench/analysis/results/predictions_file.hpp"
#include "study_sink.hpp"

namespace spbench::evaluation {

// Writes predictions.csv (rows sorted by index) and metrics.json (ranking
// metrics, reference rows, ground truth, and `info`'s keys: evaluation,
// timing, shards), draws the scatter plot, and returns the printed table.
StudyResult write_study_results(const ExperimentSpec& spec, std::vector<tables::PredictionRow> rows,
                                const std::filesystem::path& run_dir, const std::filesystem::path& data_root,
                                nlohmann::json info, const Sink& sink);

}  // namespace spbench::evaluation
