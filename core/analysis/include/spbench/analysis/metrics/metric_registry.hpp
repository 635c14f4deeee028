#pragma once
// The ranking metrics, one record each (docs/metrics.md, "The metric
// registry"): everything that lists metrics iterates ranking_metrics() —
// score_ranking and metrics.json, the text report, the reference rows'
// table, reading results back, `--score loss` rescoring, the ablation
// table's columns in every format and the paired comparison — so that a new
// metric is one record here and one function computing it.
//
// A metric compares an aligned prediction and truth (position i is one
// architecture, both higher-is-better; a loss is negated before) and gives
// one number, NaN where it is undefined. Two forms:
//   - a scalar of the report (`read` is null): score_ranking computes it
//     once, with a bootstrap interval when `bootstrap`, and metrics.json
//     holds it under its key as {value, ci_low, ci_high, undefined_resamples};
//   - a point of a report's curve or list (top-n tau, P@k, the best
//     architecture's truth): `read` picks it out of a RankingReport for the
//     table's choice of n and k, so that one metrics.json serves any
//     `--top-n` and `--precision-k` that its curve and list cover.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace spbench::metrics {

struct RankingReport;

// The table's choices that parametrised metrics read ("{n}" and "{k}" in
// their titles).
struct MetricParameters {
  std::size_t top_n = 10;          // top_n_tau's n
  std::string precision_k = "10";  // precision_at_k's k: a count or a percentage of the sample ("1%")
};

enum class TitleFormat { Text, Tex, Html };

struct RankingMetric {
  using Compute = double (*)(const std::vector<double>& pred, const std::vector<double>& truth,
                             const MetricParameters& parameters);
  using Read = double (*)(const RankingReport& report, const MetricParameters& parameters);

  std::string_view key;         // metrics.json key, table column key (csv header), paired-comparison key
  std::string_view name;        // plain text, in spbench score's report ("Kendall tau-b")
  std::string_view short_name;  // narrow column heading (the reference rows' table: "tau-b")
  // Table headings; "{n}" and "{k}" stand for the parameters.
  std::string_view text_title;  // markdown and plain text ("Kendall τ")
  std::string_view tex_title;   // LaTeX ("Kendall $\\tau$")
  std::string_view html_title;  // HTML, entities allowed ("Kendall &tau;")
  bool higher_is_better = true;
  int digits = 3;               // shown in tables
  Compute compute = nullptr;    // the metric itself; NaN where undefined
  Read read = nullptr;          // null: a scalar of the report; else its value in a report (NaN: absent)
  bool bootstrap = false;       // scalars only: metrics.json gets a bootstrap interval
  bool paired = false;          // the paired comparison with a baseline tests it
  std::string_view doc;         // docs/metrics.md's line (a test keeps the two equal)

  bool scalar() const { return read == nullptr; }
  // A heading in one format, the parameters put in.
  std::string title(TitleFormat format, const MetricParameters& parameters) const;
};

// Every ranking metric, in table-column order.
const std::vector<RankingMetric>& ranking_metrics();

// The record for a key; nullptr when there is none.
const RankingMetric* find_ranking_metric(std::string_view key);
// The same, but std::invalid_argument naming the known keys when there is none.
const RankingMetric& ranking_metric(std::string_view key);

// The keys of the metrics the paired comparison tests, in registry order.
std::vector<std::string> paired_metric_keys();

// The metric's value in a report: a scalar's point estimate, or `read`.
double value_in(const RankingMetric& metric, const RankingReport& report, const MetricParameters& parameters);

}  // namespace spbench::metrics
