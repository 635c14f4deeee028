#pragma once
// After training: choose the architectures, score them with the super-network,
// fetch their ground truth, and write the run's results (docs/evaluation.md):
//
//   predictions.csv                 arch, index, prediction, loss, truth
//   metrics.json                    ranking metrics, reference rows, timing
//   scatter.png (+ scatter.gp)      prediction vs truth (gnuplot; skipped with
//                                   a warning when gnuplot is missing)
//   predictions.shard-I-of-N.csv    a shard's rows (--shard I/N), with
//   predictions.shard-I-of-N.json   what the shard covered, for merge_study
//
// `prediction` is the super-network's validation accuracy (%), `loss` its
// mean cross-entropy on the same images.

#include <c10/core/Device.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/engine/data/load.hpp"
#include "spbench/engine/evaluation/evaluator.hpp"
#include "spbench/study/network_shape.hpp"
#include "spbench/study/scatter_plot.hpp"
#include "spbench/study/shards.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/analysis/results/predictions_file.hpp"

namespace spbench::evaluation {

struct StudyInputs {
  const ExperimentSpec* spec = nullptr;
  ScoringNetworks networks;
  data::DataSplits splits;
  std::filesystem::path data_root;
  c10::Device device = c10::Device(c10::kCPU);
  bool progress_bar = false;
  double training_seconds = 0;  // for metrics.json
  std::function<void(const std::string&)> sink;  // messages (default: stderr)
};

struct StudyResult {
  bool complete = false;  // predictions.csv + metrics.json written (false: one shard of several)
  std::vector<tables::PredictionRow> rows;
  std::string table;      // the metrics as text, printed at the end of a run
};

// Scores shard `shard` of the experiment's architectures into `run_dir`.
// Unsharded: writes the final results. Sharded: writes the shard's files.
StudyResult run_study(const StudyInputs& inputs, const std::filesystem::path& run_dir, ShardSpec shard = {});

// Checks that every shard of `run_dir` exists and is complete and that
// together they cover the evaluated set exactly once, then writes
// predictions.csv, metrics.json and the plot exactly as an unsharded run
// would. Throws std::runtime_error saying what is missing or inconsistent.
StudyResult merge_study(const ExperimentSpec& spec, const std::filesystem::path& run_dir,
                        const std::filesystem::path& data_root,
                        const std::function<void(const std::string&)>& sink = {});

}  // namespace spbench::evaluation
