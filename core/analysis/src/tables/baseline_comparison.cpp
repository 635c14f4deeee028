#include "spbench/analysis/tables/baseline_comparison.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "spbench/analysis/results/predictions_file.hpp"
#include "spbench/analysis/statistics/holm.hpp"

namespace spbench::tables {

namespace fs = std::filesystem;

namespace {

struct CellPredictions {
  std::string seed;
  std::map<int, double> prediction;
  std::map<int, double> truth;
};

CellPredictions load_file(const std::string& seed, const fs::path& file, ScoreColumn score) {
  CellPredictions p;
  p.seed = seed;
  // By index: a run writes both columns, and the index needs no search space.
  p.prediction = read_predictions(file, score_column_name(score), JoinKey::Index).values.values();
  // Every comparison ranks "higher is better": a loss is negated.
  if (score == ScoreColumn::Loss)
    for (auto& [index, v] : p.prediction) v = -v;
  p.truth = read_predictions(file, "truth", JoinKey::Index).values.values();
  return p;
}

std::optional<CellPredictions> load(const CellResult& cell, ScoreColumn score) {
  const fs::path file = cell.dir / "predictions.csv";
  if (!cell.finished || !fs::exists(file)) return std::nullopt;
  auto p = load_file(cell.seed, file, score);
  if (p.prediction.empty()) return std::nullopt;  // e.g. no losses written
  return p;
}

std::vector<CellPredictions> load_all(const std::vector<const CellResult*>& cells, ScoreColumn score) {
  std::vector<CellPredictions> out;
  for (const auto* c : cells)
    if (auto p = load(*c, score)) out.push_back(std::move(*p));
  return out;
}

// Both arms on the architectures every cell of both scored, with the truth
// of the baseline's first cell; the truth must agree wherever it is given,
// or the two rows were not judged against the same ground truth.
std::string join(const std::vector<CellPredictions>& a, const std::vector<CellPredictions>& b,
                 statistics::PairedData& out) {
  const auto& truth = b.front().truth;
  for (const auto& [index, value] : truth) {
    bool everywhere = true;
    for (const auto* arm : {&a, &b})
      for (const auto& c : *arm) everywhere = everywhere && c.prediction.count(index);
    if (!everywhere) continue;
    for (const auto* arm : {&a, &b})
      for (const auto& c : *arm) {
        auto it = c.truth.find(index);
        if (it != c.truth.end() && std::fabs(it->second - value) > 1e-9 * std::max(1.0, std::fabs(value)))
          return fmt::format("the ground truth differs between the cells (architecture {}: {} and {})", index, value,
                             it->second);
      }
    out.indices.push_back(index);
    out.truth.push_back(value);
  }
  if (out.indices.size() < 2)
    return fmt::format("{} architecture(s) scored by every cell of both rows (need 2)", out.indices.size());
  for (const auto* arm : {&a, &b}) {
    auto& seeds = arm == &a ? out.a : out.b;
    for (const auto& c : *arm) {
      statistics::ArmSeed s;
      s.seed = c.seed;
      for (int index : out.indices) s.prediction.push_back(c.prediction.at(index));
      seeds.push_back(std::move(s));
    }
  }
  return "";
}

}  // namespace

statistics::PairedData read_paired_data(const std::vector<std::pair<std::string, fs::path>>& a,
                                        const std::vector<std::pair<std::string, fs::path>>& b, ScoreColumn score) {
  std::vector<CellPredictions> pa, pb;
  for (const auto& [seed, file] : a) pa.push_back(load_file(seed, file, score));
  for (const auto& [seed, file] : b) pb.push_back(load_file(seed, file, score));
  if (pa.empty() || pb.empty()) throw std::runtime_error("paired comparison: each arm needs at least one predictions file");
  statistics::PairedData data;
  const std::string problem = join(pa, pb, data);
  if (!problem.empty()) throw std::runtime_error("paired comparison: " + problem);
  return data;
}

BaselineComparison compare_with_baseline(const std::vector<std::pair<std::string, std::vector<const CellResult*>>>& rows,
                                         const std::string& baseline, const AblationOptions& options) {
  BaselineComparison out;
  out.baseline = baseline;
  out.metrics = metrics::paired_metric_keys();
  out.resamples = options.comparison_resamples;
  out.seed = options.comparison_seed;
  statistics::PairedOptions po;
  po.parameters = options.parameters;
  po.resamples = options.comparison_resamples;
  po.seed = options.comparison_seed;
  out.confidence = po.confidence;

  std::vector<CellPredictions> base;
  for (const auto& [label, cells] : rows)
    if (label == baseline) base = load_all(cells, options.score);
  if (base.empty()) out.baseline_problem =
        fmt::format("the baseline has no finished cell with predictions.csv{}", options.score == ScoreColumn::Loss ? " holding losses" : "");

  for (const auto& [label, cells] : rows) {
    if (label == baseline) continue;
    RowComparison rc;
    rc.label = label;
    const auto arm = load_all(cells, options.score);
    if (!out.baseline_problem.empty()) {
      rc.problem = out.baseline_problem;
    } else if (arm.empty()) {
      rc.problem = fmt::format("no finished cell with predictions.csv{}", options.score == ScoreColumn::Loss ? " holding losses" : "");
    } else {
      statistics::PairedData data;
      rc.problem = join(arm, base, data);
      if (rc.problem.empty()) {
        rc.result = statistics::compare_paired(data, po);
        rc.compared = true;
      }
    }
    out.rows.push_back(std::move(rc));
  }

  // Holm across the rows, one family per metric: each column answers its own
  // question ("which rows differ from the baseline in tau?").
  for (auto& rc : out.rows) {
    rc.p_holm.assign(out.metrics.size(), std::nan(""));
    rc.significant.assign(out.metrics.size(), false);
  }
  for (std::size_t k = 0; k < out.metrics.size(); ++k) {
    std::vector<double> p;
    for (const auto& rc : out.rows) p.push_back(rc.compared ? rc.result.metrics[k].p_value : std::nan(""));
    const auto adjusted = statistics::holm_adjust(p);
    for (std::size_t r = 0; r < out.rows.size(); ++r) {
      out.rows[r].p_holm[k] = adjusted[r];
      out.rows[r].significant[k] = adjusted[r] < out.alpha;
    }
  }
  return out;
}

}  // namespace spbench::tables
