#include "spbench/analysis/statistics/paired_comparison.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "spbench/analysis/metrics/correlation.hpp"
#include "spbench/analysis/metrics/ranking_metrics.hpp"
#include "spbench/analysis/statistics/permutation_test.hpp"
#include "spbench/analysis/statistics/student_t.hpp"
#include "spbench/util/hash.hpp"
#include "spbench/util/uniform_index.hpp"

namespace spbench::statistics {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

double sd_of(const std::vector<double>& v) {
  if (v.size() < 2) return kNaN;
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// Standardized predictions (mean 0, sd 1): every compared metric is
// invariant under this increasing affine map, and it puts the two arms on
// one scale, so swapping an architecture's predictions between arms is a
// fair exchange under "no difference". A constant vector is only centred.
std::vector<double> standardized(const std::vector<double>& v) {
  const double m = mean_of(v);
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  const double sd = std::sqrt(ss / static_cast<double>(v.size()));
  std::vector<double> out(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) out[i] = sd > 0 ? (v[i] - m) / sd : v[i] - m;
  return out;
}

}  // namespace

const char* test_name(PairedTest test) {
  switch (test) {
    case PairedTest::SeedsSignFlip: return "seeds (sign-flip)";
    case PairedTest::SeedsTwoSample: return "seeds (two-sample permutation)";
    case PairedTest::ArchitecturesSignFlip: return "architectures (sign-flip)";
    case PairedTest::None: break;
  }
  return "none";
}

double paired_metric(const std::string& key, const std::vector<double>& prediction, const std::vector<double>& truth,
                     const PairedOptions& options) {
  return metrics::ranking_metric(key).compute(prediction, truth, options.parameters);
}

PairedComparison compare_paired(const PairedData& data, const PairedOptions& options) {
  if (data.a.empty() || data.b.empty()) throw std::invalid_argument("paired comparison: an arm has no seed");
  const std::size_t m = data.truth.size();
  if (m < 2) throw std::invalid_argument("paired comparison: fewer than two common architectures");
  for (const auto* arm : {&data.a, &data.b})
    for (const auto& s : *arm)
      if (s.prediction.size() != m) throw std::invalid_argument("paired comparison: predictions not aligned with the truth");
  if (!(options.confidence > 0 && options.confidence < 1))
    throw std::invalid_argument("paired comparison: confidence must be in (0, 1)");

  PairedComparison out;
  out.architectures = m;
  // Pair the seeds by value when both arms have the same ones: b reordered to a's order.
  std::vector<const ArmSeed*> a, b;
  for (const auto& s : data.a) a.push_back(&s);
  std::set<std::string> a_set, b_set;
  for (const auto& s : data.a) a_set.insert(s.seed);
  for (const auto& s : data.b) b_set.insert(s.seed);
  out.seeds_paired = a_set == b_set && a_set.size() == data.a.size() && b_set.size() == data.b.size();
  if (out.seeds_paired) {
    for (const auto* s : a)
      b.push_back(&*std::find_if(data.b.begin(), data.b.end(), [&](const ArmSeed& x) { return x.seed == s->seed; }));
  } else {
    for (const auto& s : data.b) b.push_back(&s);
  }
  for (const auto* s : a) out.a_seeds.push_back(s->seed);
  for (const auto* s : b) out.b_seeds.push_back(s->seed);
  const std::size_t na = a.size(), nb = b.size(), nm = options.metrics.size();

  // Point estimates per seed.
  for (const auto& key : options.metrics) {
    MetricDifference d;
    d.key = key;
    for (const auto* s : a) d.a_values.push_back(paired_metric(key, s->prediction, data.truth, options));
    for (const auto* s : b) d.b_values.push_back(paired_metric(key, s->prediction, data.truth, options));
    d.a_mean = mean_of(d.a_values);
    d.b_mean = mean_of(d.b_values);
    d.delta = d.a_mean - d.b_mean;
    d.baseline_sd = sd_of(d.b_values);
    if (out.seeds_paired && na >= 2) {
      std::vector<double> diff(na);
      for (std::size_t i = 0; i < na; ++i) diff[i] = d.a_values[i] - d.b_values[i];
      d.standard_error = sd_of(diff) / std::sqrt(static_cast<double>(na));
      d.df = static_cast<double>(na - 1);
    } else if (!out.seeds_paired && na >= 2 && nb >= 2) {
      const double sa = sd_of(d.a_values), sb = sd_of(d.b_values);
      d.standard_error = std::sqrt(sa * sa / static_cast<double>(na) + sb * sb / static_cast<double>(nb));
      d.df = static_cast<double>(na + nb - 2);
    } else {
      d.standard_error = kNaN;
      d.df = 0;
    }
    d.mde = minimum_detectable_effect(d.standard_error, d.df, 1 - options.confidence, options.power);
    out.metrics.push_back(std::move(d));
  }

  // The hierarchical bootstrap: seeds, then architectures; the same draws
  // serve every metric.
  const bool by_seeds = options.levels != ResampleLevels::Architectures;
  const bool by_archs = options.levels != ResampleLevels::Seeds;
  std::vector<std::vector<double>> deltas(nm);
  std::mt19937_64 rng(options.seed);
  std::vector<std::size_t> sa(na), sb(nb), idx(m);
  std::vector<double> truth(m), pred(m);
  // Metric values of a seed on the current resample, computed once however often the seed is drawn.
  std::vector<std::vector<double>> va(na), vb(nb);
  for (std::size_t r = 0; r < options.resamples; ++r) {
    for (std::size_t i = 0; i < na; ++i) sa[i] = by_seeds ? util::uniform_index(rng, na) : i;
    if (out.seeds_paired)
      sb = sa;
    else
      for (std::size_t i = 0; i < nb; ++i) sb[i] = by_seeds ? util::uniform_index(rng, nb) : i;
    for (std::size_t i = 0; i < m; ++i) idx[i] = by_archs ? util::uniform_index(rng, m) : i;
    for (std::size_t i = 0; i < m; ++i) truth[i] = data.truth[idx[i]];
    auto values = [&](const ArmSeed& s) {
      for (std::size_t i = 0; i < m; ++i) pred[i] = s.prediction[idx[i]];
      std::vector<double> v(nm);
      for (std::size_t k = 0; k < nm; ++k) v[k] = paired_metric(options.metrics[k], pred, truth, options);
      return v;
    };
    for (auto& v : va) v.clear();
    for (auto& v : vb) v.clear();
    for (std::size_t i : sa)
      if (va[i].empty()) va[i] = values(*a[i]);
    for (std::size_t i : sb)
      if (vb[i].empty()) vb[i] = values(*b[i]);
    for (std::size_t k = 0; k < nm; ++k) {
      double ma = 0, mb = 0;
      for (std::size_t i : sa) ma += va[i][k];
      for (std::size_t i : sb) mb += vb[i][k];
      const double delta = ma / static_cast<double>(na) - mb / static_cast<double>(nb);
      if (std::isnan(delta))
        ++out.metrics[k].undefined_resamples;
      else
        deltas[k].push_back(delta);
    }
  }
  const double alpha = 1 - options.confidence;
  for (std::size_t k = 0; k < nm; ++k) {
    std::sort(deltas[k].begin(), deltas[k].end());
    out.metrics[k].low = metrics::percentile(deltas[k], alpha / 2);
    out.metrics[k].high = metrics::percentile(deltas[k], 1 - alpha / 2);
  }

  // The tests: over seeds where there are several, else over architectures.
  const bool seed_test = out.seeds_paired ? na >= 2 : (na >= 2 && nb >= 2);
  std::vector<double> za, zb;
  const ArmSeed* ta = nullptr;
  const ArmSeed* tb = nullptr;
  if (!seed_test) {
    // One seed on a side: the common seed if there is one, else each arm's first.
    ta = a.front();
    tb = b.front();
    for (const auto* s : a) {
      auto it = std::find_if(b.begin(), b.end(), [&](const ArmSeed* x) { return x->seed == s->seed; });
      if (it != b.end()) {
        ta = s;
        tb = *it;
        break;
      }
    }
    out.tested_a_seed = ta->seed;
    out.tested_b_seed = tb->seed;
    za = standardized(ta->prediction);
    zb = standardized(tb->prediction);
  }
  for (std::size_t k = 0; k < nm; ++k) {
    auto& d = out.metrics[k];
    // Each metric its own stream, named by its key (not its position):
    // adding or reordering metrics changes no other metric's p-value.
    std::mt19937_64 test_rng(options.seed + 1 + util::fnv1a64(d.key));
    PermutationResult p;
    if (seed_test && out.seeds_paired) {
      std::vector<double> diff(na);
      for (std::size_t i = 0; i < na; ++i) diff[i] = d.a_values[i] - d.b_values[i];
      bool any_nan = false;
      for (double x : diff) any_nan = any_nan || std::isnan(x);
      if (any_nan) {
        p.p_value = kNaN;
      } else {
        p = sign_flip_test(diff, options.resamples, test_rng);
      }
      d.test = PairedTest::SeedsSignFlip;
    } else if (seed_test) {
      bool any_nan = false;
      for (double x : d.a_values) any_nan = any_nan || std::isnan(x);
      for (double x : d.b_values) any_nan = any_nan || std::isnan(x);
      if (any_nan)
        p.p_value = kNaN;
      else
        p = two_sample_permutation_test(d.a_values, d.b_values, options.resamples, test_rng);
      d.test = PairedTest::SeedsTwoSample;
    } else {
      std::vector<double> pa(m), pb(m);
      p = paired_swap_test(
          m,
          [&](const std::vector<char>& swapped) {
            for (std::size_t i = 0; i < m; ++i) {
              pa[i] = swapped[i] ? zb[i] : za[i];
              pb[i] = swapped[i] ? za[i] : zb[i];
            }
            return paired_metric(d.key, pa, data.truth, options) - paired_metric(d.key, pb, data.truth, options);
          },
          options.resamples, test_rng);
      d.test = PairedTest::ArchitecturesSignFlip;
    }
    d.p_value = p.p_value;
    d.exact = p.exact;
  }
  return out;
}

std::string to_json(const PairedComparison& c, int indent) {
  using nlohmann::json;
  auto num = [](double v) { return std::isnan(v) ? json(nullptr) : json(v); };
  json r = {{"architectures", c.architectures}, {"seeds", c.a_seeds}, {"baseline_seeds", c.b_seeds},
            {"seeds_paired", c.seeds_paired}};
  if (!c.tested_a_seed.empty() || !c.tested_b_seed.empty()) r["architecture_test_seeds"] = {c.tested_a_seed, c.tested_b_seed};
  json metrics = json::object();
  for (const auto& m : c.metrics) {
    json values = json::array(), base_values = json::array();
    for (double v : m.a_values) values.push_back(num(v));
    for (double v : m.b_values) base_values.push_back(num(v));
    metrics[m.key] = {{"values", values},
                      {"baseline_values", base_values},
                      {"mean", num(m.a_mean)},
                      {"baseline_mean", num(m.b_mean)},
                      {"delta", num(m.delta)},
                      {"ci_low", num(m.low)},
                      {"ci_high", num(m.high)},
                      {"undefined_resamples", m.undefined_resamples},
                      {"test", test_name(m.test)},
                      {"exact", m.exact},
                      {"p", num(m.p_value)},
                      {"baseline_sd", num(m.baseline_sd)},
                      {"standard_error", num(m.standard_error)},
                      {"df", m.df},
                      {"mde", num(m.mde)}};
  }
  r["metrics"] = metrics;
  return r.dump(indent);
}

}  // namespace spbench::statistics
