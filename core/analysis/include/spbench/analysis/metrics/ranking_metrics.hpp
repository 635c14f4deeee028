#pragma once
// How well a predicted score ranks architectures against their true value
// (docs/metrics.md). `pred` and `truth` are aligned: position i is one
// architecture. Both are "higher is better" (negate a loss before scoring).
//
// Ties in a top-k selection are broken by position, lower first. The joins in
// spbench/tables order architectures by NAS-Bench-201 index, so in practice
// ties are broken by index order, which makes every result reproducible.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace spbench::metrics {

// Positions of the k largest values, best first; equal values in position
// order. k larger than the sample gives every position.
std::vector<std::size_t> top_k_positions(const std::vector<double>& values, std::size_t k);

// Kendall tau-b between pred and truth restricted to the n architectures
// that are best by truth (ties by position). NaN where tau-b is undefined
// (n < 2, or a constant sample). n larger than the sample uses all of it.
double top_n_kendall(const std::vector<double>& pred, const std::vector<double>& truth, std::size_t n);

struct TopNPoint {
  std::size_t n = 0;  // architectures used
  bool all = false;   // the whole sample (the curve's last point)
  double tau = 0;
};

inline const std::vector<std::size_t> kDefaultTopN = {10, 25, 50, 100, 250, 500, 1000};

// top_n_kendall for each n in `ns` smaller than the sample, then one point
// for the whole sample (all = true).
std::vector<TopNPoint> top_n_kendall_curve(const std::vector<double>& pred, const std::vector<double>& truth,
                                           const std::vector<std::size_t>& ns = kDefaultTopN);

// |true top-k ∩ predicted top-k| / k, both top-k sets with ties broken by
// position. k is clamped to the sample size; NaN for an empty sample or k = 0.
double precision_at_k(const std::vector<double>& pred, const std::vector<double>& truth, std::size_t k);

struct PrecisionPoint {
  std::string label;  // "10", "50", "1%", …
  std::size_t k = 0;  // the k actually used
  double precision = 0;
};

// The k for a fraction of the sample: round(fraction · n), at least 1.
std::size_t k_for_fraction(double fraction, std::size_t n);

// The super-network's favourite, judged by the truth.
struct BestPredicted {
  std::size_t position = 0;  // position in the inputs; ties in pred: lowest position
  int index = -1;            // its NAS-Bench-201 index when the caller gave ids
  double prediction = 0;
  double truth = 0;
  // 1 + the number of architectures with strictly higher truth (competition
  // "min" rank: sharing the best value counts as rank 1).
  std::size_t true_rank = 0;
  // Fraction of the sample it beats or equals: 1 - (true_rank - 1) / n.
  double true_percentile = 0;
};

BestPredicted best_predicted(const std::vector<double>& pred, const std::vector<double>& truth);

// A point estimate with a bootstrap percentile interval.
struct Estimate {
  double value = 0;
  double low = 0;   // NaN when no interval was computed
  double high = 0;
  // Resamples on which the statistic was undefined (e.g. a constant
  // resample of a tiny sample); they are left out of the interval.
  std::size_t undefined_resamples = 0;
};

struct RankingOptions {
  std::vector<std::size_t> top_n = kDefaultTopN;
  std::vector<std::size_t> precision_k = {10, 50, 100};
  std::vector<double> precision_fraction = {0.01, 0.05};
  // Bootstrap resamples for the intervals of tau, rho and r; 0 computes
  // no interval (low = high = NaN).
  std::size_t bootstrap_resamples = 1000;
  std::uint64_t bootstrap_seed = 0;
  double confidence = 0.95;
};

// One scalar metric of the registry (metric_registry.hpp) in a report.
struct MetricEstimate {
  std::string key;
  Estimate estimate;
};

struct RankingReport {
  std::size_t n = 0;
  // Every scalar metric of the registry, in its order (kendall_tau,
  // spearman_rho, pearson_r, weighted_tau, …); intervals where the record
  // asks for them.
  std::vector<MetricEstimate> scalars;
  std::vector<TopNPoint> top_n_kendall;
  std::vector<PrecisionPoint> precision_at_k;
  BestPredicted best;
  std::size_t bootstrap_resamples = 0;
  std::uint64_t bootstrap_seed = 0;
  double confidence = 0;

  // A scalar metric by key; nullptr when the report lacks it (a metrics.json
  // from before the metric existed).
  const Estimate* find(std::string_view key) const;
  // The same; std::out_of_range naming the key when absent.
  const Estimate& estimate(std::string_view key) const;
};

// Every metric of the registry at once. `ids` (optional, aligned with pred) are NAS-Bench-201
// indices reported for the best-predicted architecture. Throws
// std::invalid_argument for misaligned inputs, NaN values, or an empty sample.
RankingReport score_ranking(const std::vector<double>& pred, const std::vector<double>& truth,
                            const RankingOptions& options = {}, const std::vector<int>& ids = {});

struct RankingMetric;  // metric_registry.hpp

// The percentile-bootstrap intervals of scalar `metrics` on (pred, truth),
// aligned with `metrics` (value NaN: only the interval). Resamples come from
// options.bootstrap_seed; tau-b, rho and r share one scorer that walks each
// resample as counts, any other metric is computed on the materialised
// resample, and both give the same statistic. score_ranking calls it for
// the registry's scalars whose record asks for an interval.
std::vector<Estimate> bootstrap_intervals(const std::vector<double>& pred, const std::vector<double>& truth,
                                          const std::vector<const RankingMetric*>& metrics,
                                          const RankingOptions& options);

// The percentile of sorted samples with linear interpolation between order
// statistics (the common "type 7" definition, numpy's default), q in [0, 1];
// NaN for no samples. Every bootstrap interval of the project uses it.
double percentile(const std::vector<double>& sorted, double q);

// The report as JSON text (NaN as null) and as a readable table.
std::string to_json(const RankingReport& report, int indent = 2);
std::string to_text(const RankingReport& report);

// A report read back from its JSON (to_json's form, as metrics.json and its
// reference rows hold it). Lenient, as results folders outlive versions:
// fields are looked up by name, missing ones read as absent (a scalar not
// in `scalars`, an empty curve or list, the best architecture's values NaN),
// and a scalar may be a bare number instead of {value, ci_low, …}. Throws
// std::invalid_argument when the text is not JSON.
RankingReport report_from_json(const std::string& text);

}  // namespace spbench::metrics
