#include "spbench/analysis/results/joined_sample.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)

namespace spbench::tables {

JoinedSample join(const IndexedValues& predictions, const IndexedValues& truth) {
  JoinedSample sample;
  // Both maps are in index order: one merge pass finds pairs and orphans.
  auto p = predictions.values().begin(), p_end = predictions.values().end();
  auto t = truth.values().begin(), t_end = truth.values().end();
  auto orphan = [](std::size_t& count, std::vector<int>& examples, int index) {
    ++count;
    if (examples.size() < JoinedSample::kMaxExamples) examples.push_back(index);
  };
  while (p != p_end || t != t_end) {
    if (t == t_end || (p != p_end && p->first < t->first)) {
      orphan(sample.predictions_without_truth, sample.predictions_without_truth_examples, p->first);
      ++p;
    } else if (p == p_end || t->first < p->first) {
      orphan(sample.truth_without_prediction, sample.truth_without_prediction_examples, t->first);
      ++t;
    } else {
      sample.indices.push_back(p->first);
      sample.prediction.push_back(p->second);
      sample.truth.push_back(t->second);
      ++p;
      ++t;
    }
  }
  return sample;
}

std::string JoinedSample::summary() const {
  auto examples = [](std::size_t count, const std::vector<int>& list) {
    std::string s = fmt::format("index {}", fmt::join(list, ", "));
    if (count > list.size()) s += ", …";
    return s;
  };
  std::string out = fmt::format("{} architectures with both prediction and truth", size());
  if (predictions_without_truth > 0)
    out += fmt::format("; {} predictions without truth ({})", predictions_without_truth,
                       examples(predictions_without_truth, predictions_without_truth_examples));
  if (truth_without_prediction > 0)
    out += fmt::format("; {} truth values without prediction ({})", truth_without_prediction,
                       examples(truth_without_prediction, truth_without_prediction_examples));
  return out;
}

}  // namespace spbench::tables
