#pragma once
// The study's reference rows: how well cheap predictors (parameters, FLOPs)
// rank the same architectures against the same truth, for reading the
// super-network's numbers against. With a benchmark table as truth they come
// from its columns; with stand-alone truth from the trained networks' shape.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/analysis/metrics/reference_predictors.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/analysis/results/indexed_values.hpp"

namespace spbench::evaluation {

struct StudyReferenceRows {
  std::vector<metrics::ReferenceRow> rows;
  std::string note;  // why a row is missing; empty when none is
};

// ground_truth.join as the key that joins benchmark rows to architectures.
tables::JoinKey join_key_of(const ExperimentSpec& spec);

// `truth` and `ids` (NAS-Bench-201 indices) are the scored architectures.
// Never throws for a missing or unreadable benchmark table: that is a note.
StudyReferenceRows study_reference_rows(const ExperimentSpec& spec, const std::filesystem::path& data_root,
                                        const std::vector<double>& truth, const std::vector<int>& ids,
                                        const metrics::RankingOptions& options);

}  // namespace spbench::evaluation
