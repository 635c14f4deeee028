// The ranking metrics' records. A new metric: a record below and the
// function it computes (correlation.hpp or ranking_metrics.hpp), and its
// line in docs/metrics.md's registry table (test_metrics_registry checks it).

#include "spbench/analysis/metrics/metric_registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "spbench/analysis/metrics/correlation.hpp"
#include "spbench/analysis/metrics/ranking_metrics.hpp"

namespace spbench::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Vec = std::vector<double>;

// The k of a precision@k label: a count ("10") or a percentage of the
// sample ("1%"); 0 when the label is neither.
std::size_t k_of_label(const std::string& label, std::size_t n) {
  try {
    std::size_t used = 0;
    if (!label.empty() && label.back() == '%') {
      const double percent = std::stod(label.substr(0, label.size() - 1), &used);
      if (used != label.size() - 1 || !(percent > 0)) return 0;
      return k_for_fraction(percent / 100, n);
    }
    const unsigned long k = std::stoul(label, &used);
    return used == label.size() ? static_cast<std::size_t>(k) : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

double top_n_tau(const Vec& pred, const Vec& truth, const MetricParameters& p) {
  // The curve's top-n points exist only for n below the sample size.
  return p.top_n < truth.size() ? top_n_kendall(pred, truth, p.top_n) : kNaN;
}

double precision(const Vec& pred, const Vec& truth, const MetricParameters& p) {
  const std::size_t k = k_of_label(p.precision_k, truth.size());
  return k == 0 ? kNaN : precision_at_k(pred, truth, k);
}

double best_truth(const Vec& pred, const Vec& truth, const MetricParameters&) {
  return pred.empty() ? kNaN : best_predicted(pred, truth).truth;
}

double read_top_n_tau(const RankingReport& r, const MetricParameters& p) {
  for (const auto& point : r.top_n_kendall)
    if (!point.all && point.n == p.top_n) return point.tau;
  return kNaN;
}

double read_precision(const RankingReport& r, const MetricParameters& p) {
  for (const auto& point : r.precision_at_k)
    if (point.label == p.precision_k) return point.precision;
  return kNaN;
}

double read_best_truth(const RankingReport& r, const MetricParameters&) { return r.best.truth; }

template <double (*F)(const Vec&, const Vec&)>
double unparametrised(const Vec& pred, const Vec& truth, const MetricParameters&) {
  return F(pred, truth);
}

// The records, in table-column order. Field order: key, name, short name,
// titles (text, tex, html), higher is better, digits, compute, read,
// bootstrap, paired, doc.
const std::vector<RankingMetric> kMetrics = {
    {"kendall_tau", "Kendall tau-b", "tau-b", "Kendall τ", "Kendall $\\tau$", "Kendall &tau;", true, 3,
     &unparametrised<kendall_tau_b>, nullptr, true, true,
     "Kendall tau-b between prediction and truth over every scored architecture"},
    {"spearman_rho", "Spearman rho", "rho", "Spearman ρ", "Spearman $\\rho$", "Spearman &rho;", true, 3,
     &unparametrised<spearman_rho>, nullptr, true, true, "Spearman's rho (Pearson's r of the average ranks)"},
    {"pearson_r", "Pearson r", "r", "Pearson r", "Pearson $r$", "Pearson r", true, 3, &unparametrised<pearson_r>,
     nullptr, true, true, "Pearson's product-moment correlation of the values"},
    {"weighted_tau", "weighted Kendall tau", "w-tau", "weighted τ", "weighted $\\tau$", "weighted &tau;", true, 3,
     // No interval: ~16 ms per resample at 15,625 architectures on the
     // materialised path, 14x the time of the three fast intervals together.
     &unparametrised<weighted_kendall_tau>, nullptr, false, true,
     "weighted Kendall tau with hyperbolic weights (scipy.stats.weightedtau): disorder among the best counts most"},
    {"top_n_tau", "top-{n} Kendall tau-b", "top-{n} tau", "top-{n} τ", "top-{n} $\\tau$", "top-{n} &tau;", true, 3,
     &top_n_tau, &read_top_n_tau, false, true, "Kendall tau-b on the n architectures best by truth (--top-n)"},
    {"precision_at_k", "precision@{k}", "P@{k}", "P@{k}", "P@{k}", "P@{k}", true, 3, &precision, &read_precision, false,
     true, "|true top-k ∩ predicted top-k| / k (--precision-k: a count or a percentage)"},
    {"best_truth", "best predicted architecture's truth", "best", "best arch. truth", "best arch.\\ truth",
     "best arch. truth", true, 2, &best_truth, &read_best_truth, false, false,
     "the true value of the architecture with the highest prediction"},
};

}  // namespace

std::string RankingMetric::title(TitleFormat format, const MetricParameters& parameters) const {
  const std::string_view pattern = format == TitleFormat::Tex ? tex_title : format == TitleFormat::Html ? html_title : text_title;
  return fmt::format(fmt::runtime(pattern), fmt::arg("n", parameters.top_n), fmt::arg("k", parameters.precision_k));
}

const std::vector<RankingMetric>& ranking_metrics() { return kMetrics; }

const RankingMetric* find_ranking_metric(std::string_view key) {
  for (const auto& m : kMetrics)
    if (m.key == key) return &m;
  return nullptr;
}

const RankingMetric& ranking_metric(std::string_view key) {
  if (const auto* m = find_ranking_metric(key)) return *m;
  std::string known;
  for (const auto& m : kMetrics) known += fmt::format("{}{}", known.empty() ? "" : ", ", m.key);
  throw std::invalid_argument(fmt::format("unknown ranking metric '{}' (known: {})", key, known));
}

std::vector<std::string> paired_metric_keys() {
  std::vector<std::string> keys;
  for (const auto& m : kMetrics)
    if (m.paired) keys.emplace_back(m.key);
  return keys;
}

double value_in(const RankingMetric& metric, const RankingReport& report, const MetricParameters& parameters) {
  if (!metric.scalar()) return metric.read(report, parameters);
  const Estimate* e = report.find(metric.key);
  return e ? e->value : kNaN;
}

}  // namespace spbench::metrics
