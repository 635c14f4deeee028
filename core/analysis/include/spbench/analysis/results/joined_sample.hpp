#pragma once
// Predictions paired with ground truth, architecture by architecture, with a
// count of what had no partner on either side.

#include <cstddef>
#include <string>
#include <vector>

#include "spbench/analysis/results/indexed_values.hpp"

namespace spbench::tables {

struct JoinedSample {
  // Aligned, in ascending NAS-Bench-201 index.
  std::vector<int> indices;
  std::vector<double> prediction;
  std::vector<double> truth;

  std::size_t predictions_without_truth = 0;
  std::vector<int> predictions_without_truth_examples;  // first few indices
  // Usually large and harmless: a run scores a sample of the space.
  std::size_t truth_without_prediction = 0;
  std::vector<int> truth_without_prediction_examples;

  static constexpr std::size_t kMaxExamples = 5;

  std::size_t size() const { return indices.size(); }
  // E.g. "1000 architectures with both; 3 predictions without truth (index 5,
  // 17, 40); 14625 truth values without prediction".
  std::string summary() const;
};

JoinedSample join(const IndexedValues& predictions, const IndexedValues& truth);

}  // namespace spbench::tables
