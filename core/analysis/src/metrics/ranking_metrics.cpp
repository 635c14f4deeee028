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
#include "spbench/analysis/metrics/metric_registry.hpp"
#include "spbench/util/uniform_index.hpp"

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

const Estimate* RankingReport::find(std::string_view key) const {
  for (const auto& s : scalars)
    if (s.key == key) return &s.estimate;
  return nullptr;
}

const Estimate& RankingReport::estimate(std::string_view key) const {
  if (const Estimate* e = find(key)) return *e;
  throw std::out_of_range(fmt::format("the ranking report has no metric '{}'", key));
}

namespace {

// The slot of a metric in ResampleCorrelations' result: the three
// correlations share one scorer that never materialises a resample; other
// metrics are computed on the materialised resample. -1: not one of them.
int fast_resample_slot(std::string_view key) {
  if (key == "kendall_tau") return 0;
  if (key == "spearman_rho") return 1;
  if (key == "pearson_r") return 2;
  return -1;
}

}  // namespace

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
  // Scalars take no parameters; the defaults are passed for the signature.
  const MetricParameters parameters;
  std::vector<const RankingMetric*> resampled;
  for (const RankingMetric& m : ranking_metrics()) {
    if (!m.scalar()) continue;
    report.scalars.push_back({std::string(m.key), {m.compute(pred, truth, parameters), kNaN, kNaN, 0}});
    if (m.bootstrap) resampled.push_back(&m);
  }
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
  const auto intervals = bootstrap_intervals(pred, truth, resampled, options);
  for (std::size_t k = 0; k < resampled.size(); ++k)
    for (auto& s : report.scalars)
      if (s.key == resampled[k]->key) {
        s.estimate.low = intervals[k].low;
        s.estimate.high = intervals[k].high;
        s.estimate.undefined_resamples = intervals[k].undefined_resamples;
      }
  return report;
}

std::vector<Estimate> bootstrap_intervals(const std::vector<double>& pred, const std::vector<double>& truth,
                                          const std::vector<const RankingMetric*>& metrics,
                                          const RankingOptions& options) {
  check_inputs(pred, truth, "bootstrap_intervals");
  const std::size_t n = pred.size(), nm = metrics.size();
  std::vector<Estimate> out(nm, Estimate{kNaN, kNaN, kNaN, 0});
  if (options.bootstrap_resamples == 0 || nm == 0 || n == 0) return out;
  const MetricParameters parameters;
  bool any_fast = false, any_materialised = false;
  for (const RankingMetric* m : metrics) (fast_resample_slot(m->key) >= 0 ? any_fast : any_materialised) = true;
  std::mt19937_64 rng(options.bootstrap_seed);
  std::vector<std::vector<double>> samples(nm);
  for (auto& s : samples) s.reserve(options.bootstrap_resamples);
  // Each resample as counts per architecture (the same draws, in the same
  // order, as picking n architectures in turn). The draws stay on one
  // generator, in chunks; the chunk's resamples are scored on several
  // threads, each with its own scratch, so the intervals do not depend on
  // the number of threads.
  const std::size_t threads = std::max<std::size_t>(
      1, std::min<std::size_t>({std::thread::hardware_concurrency(), 8, options.bootstrap_resamples}));
  std::vector<ResampleCorrelations> scorers;
  if (any_fast) scorers.assign(threads, ResampleCorrelations(pred, truth));
  std::vector<std::vector<double>> scratch_pred(threads), scratch_truth(threads);
  constexpr std::size_t kChunk = 64;
  std::vector<std::vector<std::uint32_t>> counts(std::min(kChunk, options.bootstrap_resamples),
                                                 std::vector<std::uint32_t>(n));
  std::vector<std::vector<double>> chunk_stats(counts.size(), std::vector<double>(nm));
  for (std::size_t first = 0; first < options.bootstrap_resamples; first += kChunk) {
    const std::size_t size = std::min(kChunk, options.bootstrap_resamples - first);
    for (std::size_t b = 0; b < size; ++b) {
      std::fill(counts[b].begin(), counts[b].end(), 0u);
      for (std::size_t i = 0; i < n; ++i) ++counts[b][static_cast<std::size_t>(util::uniform_index(rng, n))];
    }
    auto work = [&](std::size_t t) {
      for (std::size_t b = t; b < size; b += threads) {
        std::array<double, 3> fast{};
        if (any_fast) fast = scorers[t](counts[b]);
        if (any_materialised) {
          // The resample itself, pair i repeated counts[i] times.
          auto& p = scratch_pred[t];
          auto& g = scratch_truth[t];
          p.clear();
          g.clear();
          for (std::size_t i = 0; i < n; ++i)
            for (std::uint32_t c = 0; c < counts[b][i]; ++c) {
              p.push_back(pred[i]);
              g.push_back(truth[i]);
            }
        }
        for (std::size_t k = 0; k < nm; ++k) {
          const int slot = fast_resample_slot(metrics[k]->key);
          chunk_stats[b][k] = slot >= 0 ? fast[static_cast<std::size_t>(slot)]
                                        : metrics[k]->compute(scratch_pred[t], scratch_truth[t], parameters);
        }
      }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work, t);
    work(0);
    for (auto& th : pool) th.join();
    for (std::size_t b = 0; b < size; ++b)
      for (std::size_t k = 0; k < nm; ++k) {
        if (std::isnan(chunk_stats[b][k]))
          ++out[k].undefined_resamples;
        else
          samples[k].push_back(chunk_stats[b][k]);
      }
  }
  const double alpha = 1.0 - options.confidence;
  for (std::size_t k = 0; k < nm; ++k) {
    std::sort(samples[k].begin(), samples[k].end());
    out[k].low = percentile(samples[k], alpha / 2);
    out[k].high = percentile(samples[k], 1 - alpha / 2);
  }
  return out;
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
  nlohmann::json out = {{"n", r.n}};
  // Each scalar under its registry key, as {value, ci_low, ci_high, …}.
  for (const auto& s : r.scalars) out[s.key] = estimate_json(s.estimate);
  out["top_n_kendall"] = curve;
  out["precision_at_k"] = precision;
  out["best_predicted"] = best;
  out["bootstrap"] = {{"resamples", r.bootstrap_resamples},
                      {"seed", r.bootstrap_seed},
                      {"confidence", r.confidence},
                      {"method", "percentile"}};
  return out;
}

namespace {

constexpr double kAbsent = std::numeric_limits<double>::quiet_NaN();

// A number at `key`: the number itself or an estimate's "value". Null,
// a missing key or another type is absent (NaN).
double number_at(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return kAbsent;
  const auto& v = obj.at(key);
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("value") && v.at("value").is_number()) return v.at("value").get<double>();
  return kAbsent;
}

std::size_t count_at(const nlohmann::json& obj, const char* key) {
  const double v = number_at(obj, key);
  return std::isnan(v) || v < 0 ? 0 : static_cast<std::size_t>(v);
}

}  // namespace

RankingReport report_from_json(const nlohmann::json& j) {
  RankingReport r;
  if (!j.is_object()) return r;
  r.n = count_at(j, "n");
  for (const RankingMetric& m : ranking_metrics()) {
    if (!m.scalar()) continue;
    const std::string key(m.key);
    if (!j.contains(key)) continue;
    const auto& v = j.at(key);
    Estimate e{kAbsent, kAbsent, kAbsent, 0};
    e.value = number_at(j, key.c_str());
    if (v.is_object()) {
      e.low = number_at(v, "ci_low");
      e.high = number_at(v, "ci_high");
      e.undefined_resamples = count_at(v, "undefined_resamples");
    }
    if (v.is_null() || v.is_number() || v.is_object()) r.scalars.push_back({key, e});
  }
  if (j.contains("top_n_kendall") && j.at("top_n_kendall").is_array())
    for (const auto& point : j.at("top_n_kendall")) {
      if (!point.is_object() || !point.contains("n")) continue;
      TopNPoint p;
      const auto& n = point.at("n");
      p.all = n.is_string() && n.get<std::string>() == "all";
      if (!p.all && !n.is_number()) continue;
      // "architectures" is the count; older files had only "n".
      p.n = point.contains("architectures") ? count_at(point, "architectures") : count_at(point, "n");
      if (!p.all && n.is_number()) p.n = static_cast<std::size_t>(n.get<double>());
      p.tau = number_at(point, "kendall_tau");
      r.top_n_kendall.push_back(p);
    }
  if (j.contains("precision_at_k") && j.at("precision_at_k").is_array())
    for (const auto& point : j.at("precision_at_k")) {
      if (!point.is_object() || !point.contains("k")) continue;
      const auto& k = point.at("k");
      PrecisionPoint p;
      p.label = k.is_string() ? k.get<std::string>() : k.dump();
      p.k = count_at(point, "architectures");
      p.precision = number_at(point, "precision");
      r.precision_at_k.push_back(p);
    }
  r.best.prediction = r.best.truth = r.best.true_percentile = kAbsent;
  if (j.contains("best_predicted") && j.at("best_predicted").is_object()) {
    const auto& b = j.at("best_predicted");
    r.best.position = count_at(b, "position");
    r.best.prediction = number_at(b, "prediction");
    r.best.truth = number_at(b, "truth");
    r.best.true_rank = count_at(b, "true_rank");
    r.best.true_percentile = number_at(b, "true_percentile");
    if (b.contains("index") && b.at("index").is_number_integer()) r.best.index = b.at("index").get<int>();
  }
  if (j.contains("bootstrap") && j.at("bootstrap").is_object()) {
    const auto& b = j.at("bootstrap");
    r.bootstrap_resamples = count_at(b, "resamples");
    if (b.contains("seed") && b.at("seed").is_number_unsigned()) r.bootstrap_seed = b.at("seed").get<std::uint64_t>();
    const double c = number_at(b, "confidence");
    r.confidence = std::isnan(c) ? 0 : c;
  }
  return r;
}

}  // namespace detail

std::string to_json(const RankingReport& report, int indent) { return detail::report_json(report).dump(indent); }

RankingReport report_from_json(const std::string& text) {
  try {
    return detail::report_from_json(nlohmann::json::parse(text));
  } catch (const nlohmann::json::parse_error& e) {
    throw std::invalid_argument(fmt::format("a ranking report that is not JSON: {}", e.what()));
  }
}

namespace {
std::string fixed(double v, int digits = 4) { return std::isnan(v) ? "n/a" : fmt::format("{:.{}f}", v, digits); }
}  // namespace

std::string to_text(const RankingReport& r) {
  std::string out = fmt::format("{} architectures\n", r.n);
  const bool has_ci = r.bootstrap_resamples > 0;
  const std::string ci_head = has_ci ? fmt::format("{:g}% interval ({} resamples, seed {})", r.confidence * 100,
                                                   r.bootstrap_resamples, r.bootstrap_seed)
                                     : "";
  out += fmt::format("{:<20} {:>8}  {}\n", "metric", "value", ci_head);
  for (const auto& s : r.scalars) {
    const RankingMetric* m = find_ranking_metric(s.key);
    out += fmt::format("{:<20} {:>8}", m ? std::string(m->name) : s.key, fixed(s.estimate.value));
    if (has_ci && m && m->bootstrap) out += fmt::format("  [{}, {}]", fixed(s.estimate.low), fixed(s.estimate.high));
    out += '\n';
  }
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
