#include "spbench/analysis/metrics/ranking_metrics.hpp"

#include "spbench/analysis/metrics/resample_correlations.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <thread>

#include "report_json.hpp"
#include "spbench/analysis/metrics/correlation.hpp"

namespace spbench::metrics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_inputs(const std::vector<double>& pred, const std::vector<double>& truth, const char* what) {
  if (pred.size() != truth.size())
    throw std::invalid_argument(
        fmt::format("{}: predictions and truth differ in length ({} and {})", what, pred.size(), truth.size()));
  for (std::size_t i = 0; i < pred.size(); ++i)
    if (std::isnan(pred[i]) || std::isnan(truth[i]))
      throw std::invalid_argument(fmt::format("{}: NaN at position {}", what, i));
}

std::vector<double> pick(const std::vector<double>& v, const std::vector<std::size_t>& positions) {
  std::vector<double> out;
  out.reserve(positions.size());
  for (std::size_t p : positions) out.push_back(v[p]);
  return out;
}

std::string fraction_label(double fraction) {
  return fmt::format("{:g}%", fraction * 100.0);
}

}  // namespace

std::vector<std::size_t> top_k_positions(const std::vector<double>& values, std::size_t k) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  k = std::min(k, values.size());
  // Descending value, then ascending position: a strict total order, so the
  // selection does not depend on the sort algorithm.
  auto better = [&](std::size_t a, std::size_t b) {
    return values[a] > values[b] || (values[a] == values[b] && a < b);
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(), better);
  order.resize(k);
  return order;
}

double top_n_kendall(const std::vector<double>& pred, const std::vector<double>& truth, std::size_t n) {
  check_inputs(pred, truth, "top_n_kendall");
  const auto top = top_k_positions(truth, n);
  return kendall_tau_b(pick(pred, top), pick(truth, top));
}

std::vector<TopNPoint> top_n_kendall_curve(const std::vector<double>& pred, const std::vector<double>& truth,
                                           const std::vector<std::size_t>& ns) {
  check_inputs(pred, truth, "top_n_kendall_curve");
  std::vector<std::size_t> sorted_ns = ns;
  std::sort(sorted_ns.begin(), sorted_ns.end());
  sorted_ns.erase(std::unique(sorted_ns.begin(), sorted_ns.end()), sorted_ns.end());
  // One ordering by truth serves every n: the top n are its first n entries.
  const auto order = top_k_positions(truth, truth.size());
  std::vector<TopNPoint> curve;
  for (std::size_t n : sorted_ns) {
    if (n >= truth.size()) continue;  // the "all" point covers it
    const std::vector<std::size_t> top(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n));
    curve.push_back({n, false, kendall_tau_b(pick(pred, top), pick(truth, top))});
  }
  curve.push_back({truth.size(), true, kendall_tau_b(pred, truth)});
  return curve;
}

double precision_at_k(const std::vector<double>& pred, const std::vector<double>& truth, std::size_t k) {
  check_inputs(pred, truth, "precision_at_k");
  k = std::min(k, pred.size());
  if (k == 0) return kNaN;
  auto true_top = top_k_positions(truth, k);
  auto pred_top = top_k_positions(pred, k);
  std::sort(true_top.begin(), true_top.end());
  std::sort(pred_top.begin(), pred_top.end());
  std::vector<std::size_t> common;
  std::set_intersection(true_top.begin(), true_top.end(), pred_top.begin(), pred_top.end(),
                        std::back_inserter(common));
  return static_cast<double>(common.size()) / static_cast<double>(k);
}

std::size_t k_for_fraction(double fraction, std::size_t n) {
  const auto k = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(n)));
  return std::max<std::size_t>(k, 1);
}

BestPredicted best_predicted(const std::vector<double>& pred, const std::vector<double>& truth) {
  check_inputs(pred, truth, "best_predicted");
  if (pred.empty()) throw std::invalid_argument("best_predicted: empty sample");
  BestPredicted best;
  best.position = top_k_positions(pred, 1).front();
  best.prediction = pred[best.position];
  best.truth = truth[best.position];
  const auto better = std::count_if(truth.begin(), truth.end(), [&](double t) { return t > best.truth; });
  best.true_rank = static_cast<std::size_t>(better) + 1;
  best.true_percentile = 1.0 - static_cast<double>(better) / static_cast<double>(truth.size());
  return best;
}

double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double h = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

RankingReport score_ranking(const std::vector<double>& pred, const std::vector<double>& truth,
                            const RankingOptions& options, const std::vector<int>& ids) {
  check_inputs(pred, truth, "score_ranking");
  if (pred.empty()) throw std::invalid_argument("score_ranking: empty sample");
  if (!ids.empty() && ids.size() != pred.size())
    throw std::invalid_argument(
        fmt::format("score_ranking: {} ids for {} predictions", ids.size(), pred.size()));
  if (!(options.confidence > 0 && options.confidence < 1))
    throw std::invalid_argument(fmt::format("score_ranking: confidence {} is not in (0, 1)", options.confidence));

  RankingReport report;
  const std::size_t n = pred.size();
  report.n = n;
  report.kendall_tau.value = kendall_tau_b(pred, truth);
  report.spearman_rho.value = spearman_rho(pred, truth);
  report.pearson_r.value = pearson_r(pred, truth);
  report.top_n_kendall = top_n_kendall_curve(pred, truth, options.top_n);
  for (std::size_t k : options.precision_k)
    report.precision_at_k.push_back({std::to_string(k), std::min(k, n), precision_at_k(pred, truth, k)});
  for (double f : options.precision_fraction) {
    const std::size_t k = k_for_fraction(f, n);
    report.precision_at_k.push_back({fraction_label(f), std::min(k, n), precision_at_k(pred, truth, k)});
  }
  report.best = best_predicted(pred, truth);
  if (!ids.empty()) report.best.index = ids[report.best.position];
  report.bootstrap_resamples = options.bootstrap_resamples;
  report.bootstrap_seed = options.bootstrap_seed;
  report.confidence = options.confidence;

  Estimate* estimates[] = {&report.kendall_tau, &report.spearman_rho, &report.pearson_r};
  if (options.bootstrap_resamples == 0) {
    for (Estimate* e : estimates) e->low = e->high = kNaN;
    return report;
  }
  std::mt19937_64 rng(options.bootstrap_seed);
  std::vector<double> samples[3];
  for (auto& s : samples) s.reserve(options.bootstrap_resamples);
  // Each resample as counts per architecture (the same draws, in the same
  // order, as picking n architectures in turn), scored without materialising
  // it. The draws stay on one generator, in chunks; the chunk's resamples are
  // scored on several threads, each with its own scratch, so the intervals
  // do not depend on the number of threads.
  const ResampleCorrelations prototype(pred, truth);
  const std::size_t threads = std::max<std::size_t>(
      1, std::min<std::size_t>({std::thread::hardware_concurrency(), 8, options.bootstrap_resamples}));
  std::vector<ResampleCorrelations> scorers(threads, prototype);
  constexpr std::size_t kChunk = 64;
  std::vector<std::vector<std::uint32_t>> counts(std::min(kChunk, options.bootstrap_resamples),
                                                 std::vector<std::uint32_t>(n));
  std::vector<std::array<double, 3>> chunk_stats(counts.size());
  for (std::size_t first = 0; first < options.bootstrap_resamples; first += kChunk) {
    const std::size_t size = std::min(kChunk, options.bootstrap_resamples - first);
    for (std::size_t b = 0; b < size; ++b) {
      std::fill(counts[b].begin(), counts[b].end(), 0u);
      for (std::size_t i = 0; i < n; ++i) ++counts[b][static_cast<std::size_t>(uniform_index(rng, n))];
    }
    auto work = [&](std::size_t t) {
      for (std::size_t b = t; b < size; b += threads) chunk_stats[b] = scorers[t](counts[b]);
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (std::size_t b = 0; b < size; ++b) {
      const std::array<double, 3>& stats = chunk_stats[b];
      for (int s = 0; s < 3; ++s) {
        if (std::isnan(stats[s]))
          ++estimates[s]->undefined_resamples;
        else
          samples[s].push_back(stats[s]);
      }
    }
  }
  const double alpha = 1.0 - options.confidence;
  for (int s = 0; s < 3; ++s) {
    std::sort(samples[s].begin(), samples[s].end());
    estimates[s]->low = percentile(samples[s], alpha / 2);
    estimates[s]->high = percentile(samples[s], 1 - alpha / 2);
  }
  return report;
}

// ---- output ---------------------------------------------------------------

namespace detail {

nlohmann::json number_or_null(double value) {
  if (std::isnan(value)) return nullptr;
  return value;
}

namespace {
nlohmann::json estimate_json(const Estimate& e) {
  return {{"value", number_or_null(e.value)},
          {"ci_low", number_or_null(e.low)},
          {"ci_high", number_or_null(e.high)},
          {"undefined_resamples", e.undefined_resamples}};
}
}  // namespace

nlohmann::json report_json(const RankingReport& r) {
  nlohmann::json curve = nlohmann::json::array();
  for (const auto& p : r.top_n_kendall)
    curve.push_back({{"n", p.all ? nlohmann::json("all") : nlohmann::json(p.n)},
                     {"architectures", p.n},
                     {"kendall_tau", number_or_null(p.tau)}});
  nlohmann::json precision = nlohmann::json::array();
  for (const auto& p : r.precision_at_k)
    precision.push_back({{"k", p.label}, {"architectures", p.k}, {"precision", number_or_null(p.precision)}});
  nlohmann::json best = {{"position", r.best.position},
                         {"prediction", number_or_null(r.best.prediction)},
                         {"truth", number_or_null(r.best.truth)},
                         {"true_rank", r.best.true_rank},
                         {"true_percentile", number_or_null(r.best.true_percentile)}};
  if (r.best.index >= 0) best["index"] = r.best.index;
  return {{"n", r.n},
          {"kendall_tau", estimate_json(r.kendall_tau)},
          {"spearman_rho", estimate_json(r.spearman_rho)},
          {"pearson_r", estimate_json(r.pearson_r)},
          {"top_n_kendall", curve},
          {"precision_at_k", precision},
          {"best_predicted", best},
          {"bootstrap", {{"resamples", r.bootstrap_resamples},
                         {"seed", r.bootstrap_seed},
                         {"confidence", r.confidence},
                         {"method", "percentile"}}}};
}

}  // namespace detail

std::string to_json(const RankingReport& report, int indent) { return detail::report_json(report).dump(indent); }

namespace {
std::string fixed(double v, int digits = 4) { return std::isnan(v) ? "n/a" : fmt::format("{:.{}f}", v, digits); }
}  // namespace

std::string to_text(const RankingReport& r) {
  std::string out = fmt::format("{} architectures\n", r.n);
  const bool has_ci = r.bootstrap_resamples > 0;
  const std::string ci_head = has_ci ? fmt::format("{:g}% interval ({} resamples, seed {})", r.confidence * 100,
                                                   r.bootstrap_resamples, r.bootstrap_seed)
                                     : "";
  out += fmt::format("{:<16} {:>8}  {}\n", "metric", "value", ci_head);
  auto row = [&](const char* name, const Estimate& e) {
    out += fmt::format("{:<16} {:>8}", name, fixed(e.value));
    if (has_ci) out += fmt::format("  [{}, {}]", fixed(e.low), fixed(e.high));
    out += '\n';
  };
  row("Kendall tau-b", r.kendall_tau);
  row("Spearman rho", r.spearman_rho);
  row("Pearson r", r.pearson_r);
  out += "\nKendall tau-b on the top n by truth\n";
  for (const auto& p : r.top_n_kendall)
    out += fmt::format("  {:<12} {:>8}\n", p.all ? fmt::format("all ({})", p.n) : std::to_string(p.n), fixed(p.tau));
  out += "\nprecision@k (true top-k ∩ predicted top-k) / k\n";
  for (const auto& p : r.precision_at_k) {
    const std::string label = p.label.back() == '%' ? fmt::format("{} ({})", p.label, p.k) : p.label;
    out += fmt::format("  {:<12} {:>8}\n", label, fixed(p.precision, 3));
  }
  out += "\nbest predicted architecture\n";
  if (r.best.index >= 0) out += fmt::format("  index          {}\n", r.best.index);
  out += fmt::format("  true value     {}\n", fixed(r.best.truth));
  out += fmt::format("  true rank      {} of {} (top {:.2f}%)\n", r.best.true_rank, r.n,
                     100.0 * static_cast<double>(r.best.true_rank) / static_cast<double>(r.n));
  return out;
}

}  // namespace spbench::metrics
