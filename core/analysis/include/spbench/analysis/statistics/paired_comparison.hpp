#pragma once
// A row of an ablation table against its baseline, architecture by
// architecture (docs/metrics.md, "Paired comparison"): both arms are scored
// on the same architectures, each arm with one prediction vector per seed.
//
//  - Δ = mean over the arm's seeds of metric(prediction, truth), row minus
//    baseline, on the common architectures;
//  - its interval: a hierarchical percentile bootstrap: each resample draws
//    seeds with replacement (the same seed values for both arms when the
//    arms have the same seeds, else each arm's seeds on their own), then
//    architectures with replacement (the same ones for both arms);
//  - its p-value: a sign-flip test over seeds (paired seeds, n >= 2), a
//    two-sample permutation test over seeds (different seeds, >= 2 each),
//    else a sign-flip test over architectures (one seed: the two arms'
//    standardized predictions swapped per architecture);
//  - the noise floor (the baseline's seed-to-seed sd) and the minimum
//    detectable effect of the seeds given.
// Every random draw comes from std::mt19937_64 seeded with `seed` and
// util::uniform_index, so the output is the same everywhere.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "spbench/analysis/metrics/metric_registry.hpp"

namespace spbench::statistics {


struct ArmSeed {
  std::string seed;               // the seed axis' value ("" without one)
  std::vector<double> prediction; // aligned with PairedData::truth
};

struct PairedData {
  std::vector<int> indices;  // the common architectures (NAS-Bench-201 index, ascending)
  std::vector<double> truth;
  std::vector<ArmSeed> a;    // the row
  std::vector<ArmSeed> b;    // the baseline
};

// Which levels the bootstrap resamples. Both is the hierarchical bootstrap
// of the tables; the single levels are the one-level bootstraps that
// scripts/check-statistics compares with scipy.stats.bootstrap.
enum class ResampleLevels { Both, Seeds, Architectures };

struct PairedOptions {
  // Registry keys (metric_registry.hpp); by default the records marked paired.
  std::vector<std::string> metrics = metrics::paired_metric_keys();
  metrics::MetricParameters parameters;  // top_n_tau's n, precision_at_k's k
  std::size_t resamples = 1000;     // bootstrap resamples, and the permutation test's (exact when fewer arrangements)
  std::uint64_t seed = 0;
  double confidence = 0.95;
  double power = 0.8;               // of the minimum detectable effect
  ResampleLevels levels = ResampleLevels::Both;
};

enum class PairedTest { None, SeedsSignFlip, SeedsTwoSample, ArchitecturesSignFlip };
// "seeds (sign-flip)", "seeds (two-sample permutation)", "architectures (sign-flip)", "none".
const char* test_name(PairedTest test);

struct MetricDifference {
  std::string key;
  std::vector<double> a_values, b_values;  // per seed, on the common architectures
  double a_mean = 0, b_mean = 0;
  double delta = 0;        // a_mean - b_mean
  double low = 0, high = 0;  // bootstrap percentile interval; NaN: none
  std::size_t undefined_resamples = 0;
  PairedTest test = PairedTest::None;
  double p_value = 0;      // NaN: no test
  bool exact = false;      // the permutation test enumerated every arrangement
  double baseline_sd = 0;  // the noise floor: sample sd of b_values; NaN for one seed
  double standard_error = 0;  // of delta over seeds; NaN for one seed
  double df = 0;              // its degrees of freedom
  double mde = 0;             // minimum detectable effect; NaN for one seed
};

struct PairedComparison {
  std::size_t architectures = 0;
  std::vector<std::string> a_seeds, b_seeds;
  bool seeds_paired = false;  // same seed values: resampled (and tested) as pairs
  // The architecture-level test's seeds (row, baseline), when it ran.
  std::string tested_a_seed, tested_b_seed;
  std::vector<MetricDifference> metrics;  // in options.metrics order
};

// One metric of a prediction vector against the truth, by registry key.
// Throws std::invalid_argument for an unknown key.
double paired_metric(const std::string& key, const std::vector<double>& prediction, const std::vector<double>& truth,
                     const PairedOptions& options);

// Throws std::invalid_argument when an arm has no seed, the vectors are not
// aligned, or there are fewer than two architectures.
PairedComparison compare_paired(const PairedData& data, const PairedOptions& options = {});

// As JSON (NaN as null): {architectures, seeds, baseline_seeds,
// seeds_paired, architecture_test_seeds?, metrics: {key: {values,
// baseline_values, mean, baseline_mean, delta, ci_low, ci_high,
// undefined_resamples, test, exact, p, baseline_sd, standard_error, df, mde}}}.
std::string to_json(const PairedComparison& comparison, int indent = 2);


}  // namespace spbench::statistics
