// run_study: the orchestration after training. Chooses the architectures,
// scores them with the super-network (the evaluator), fetches their ground
// truth (a benchmark table, or the stand-alone trainer), and hands the rows
// to the report (study_report.cpp) or, for a shard, writes the shard's files.

#include "spbench/study/study.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "spbench/util/atomic_file.hpp"
#include "spbench/engine/evaluation/architecture_set.hpp"
#include "spbench/study/reference_rows.hpp"
#include "spbench/study/ground_truth/stand_alone.hpp"
#include "spbench/analysis/results/ground_truth.hpp"
#include "study_report.hpp"

namespace spbench::evaluation {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* bn_name(EvaluationSpec::BnMode mode) {
  switch (mode) {
    case EvaluationSpec::BnMode::Running: return "running";
    case EvaluationSpec::BnMode::Batch: return "batch";
    case EvaluationSpec::BnMode::Recalibrate: return "recalibrate";
  }
  return "?";
}

}  // namespace

StudyResult run_study(const StudyInputs& in, const fs::path& run_dir, ShardSpec shard) {
  const ExperimentSpec& spec = *in.spec;
  const Sink& sink = in.sink;
  const GroundTruthSource source = spec.ground_truth.source;

  std::optional<tables::GroundTruthLoad> csv_truth;
  if (source == GroundTruthSource::Csv) {
    const fs::path file = resolve_data_path(spec.ground_truth.file, in.data_root);
    csv_truth = tables::load_ground_truth(file, spec.ground_truth.column, join_key_of(spec));
    say(sink, fmt::format("ground truth: {} column {} ({} architectures)", file.string(), spec.ground_truth.column,
                          csv_truth->values.size()));
    if (!csv_truth->report.clean()) say(sink, "ground truth: " + csv_truth->report.summary());
  }

  std::vector<CellArch> archs;
  NetworkShape shape = network_shape_of(spec);
  shape.num_classes = in.splits.valid.num_classes;
  shape.input_channels = static_cast<int>(in.splits.valid.channels());
  if (source == GroundTruthSource::StandAlone) {
    archs = ground_truth::stand_alone_sample(spec.run.space, spec.ground_truth.stand_alone.architectures, spec.seed, shape);
    if (spec.evaluation.architectures.kind != ArchitectureSelection::Kind::All)
      say(sink, "note: with stand-alone ground truth the evaluated set is the stand-alone set "
                "(ground_truth.stand_alone.architectures); evaluation.architectures is not used");
  } else {
    ArchitectureSet set = select_architectures(spec.evaluation.architectures, spec.run.space,
                                               architecture_sample_seed(spec),
                                               csv_truth ? &csv_truth->values : nullptr);
    for (const auto& n : set.notes) say(sink, "note: " + n);
    archs = std::move(set.architectures);
  }
  if (archs.empty()) throw std::runtime_error("no architecture to evaluate");

  EvaluationConfig config = evaluation_config_of(spec, in.device);
  config.progress_bar = in.progress_bar;
  config.sink = sink;
  Evaluator evaluator(in.networks, in.splits.valid, &in.splits.train, config);
  const EvaluationPlan plan = plan_evaluation(archs, evaluator.networks(), config);
  std::size_t no_path = 0;
  for (const auto& g : plan.groups)
    if (g.network < 0) no_path += g.members.size();
  bool zero_rule = false;
  for (bool z : plan.zero_rule) zero_rule = zero_rule || z;
  say(sink, fmt::format("evaluating {} architectures: {} functionally distinct runs ({} rule), {} without an "
                        "input→output path (chance, not run); BN {}, {} validation images each{}",
                        archs.size(), plan.runs(), zero_rule ? "dead-edge + zero-node" : "dead-edge", no_path,
                        bn_name(spec.evaluation.bn), evaluator.validation_images(),
                        shard.sharded() ? fmt::format("; shard {}/{}", shard.index, shard.count) : ""));
  const EvaluationPlan part = shard.sharded() ? shard_plan(plan, shard.index, shard.count) : plan;
  const std::vector<ArchitectureResult> results = evaluator.evaluate(archs, part);

  std::map<int, double> truth;
  double stand_alone_seconds = 0;
  int stand_alone_trained = 0;
  if (csv_truth) {
    truth = csv_truth->values.values();
  } else if (source == GroundTruthSource::StandAlone) {
    auto config_sa = ground_truth::stand_alone_config_of(spec, in.splits.valid.num_classes,
                                                         static_cast<int>(in.splits.valid.channels()), in.device);
    ground_truth::StandAloneTrainer trainer(config_sa, in.splits.train, in.splits.valid,
                                            fs::path(spec.output.dir) / ".standalone-cache");
    trainer.set_message_sink(sink);
    say(sink, fmt::format("stand-alone ground truth: {} architectures, cache {}", results.size(),
                          trainer.cache_dir().string()));
    std::vector<CellArch> mine;
    for (const auto& r : results) mine.push_back(r.arch);
    const auto start = std::chrono::steady_clock::now();
    for (const auto& r : trainer.get_all(mine)) truth[r.index] = r.accuracy;
    stand_alone_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stand_alone_trained = trainer.trainings();
  }

  std::vector<tables::PredictionRow> rows;
  std::size_t shared = 0;
  for (const auto& r : results) {
    tables::PredictionRow row;
    row.arch = r.arch.to_string();
    row.index = r.index;
    row.prediction = r.accuracy;
    row.loss = r.loss;
    if (auto it = truth.find(r.index); it != truth.end()) row.truth = it->second;
    rows.push_back(row);
    shared += r.source == ResultSource::Shared;
  }

  std::vector<int> all_indices;
  for (const auto& a : archs) all_indices.push_back(nb201_index(a));
  std::sort(all_indices.begin(), all_indices.end());
  json info;
  info["evaluation"] = {{"bn", bn_name(spec.evaluation.bn)},
                        {"recalibrate_batches", spec.evaluation.recalibrate_batches},
                        {"recalibrate_momentum", spec.evaluation.recalibrate_momentum < 0
                                                     ? json("cumulative")
                                                     : json(spec.evaluation.recalibrate_momentum)},
                        {"recalibrate_reset", spec.evaluation.recalibrate_reset},
                        {"validation_images", evaluator.validation_images()},
                        {"runs", evaluator.stats().runs},
                        {"shared", shared},
                        {"no_path", static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
                           return r.source == ResultSource::NoPath;
                         }))},
                        {"zero_node_rule", zero_rule}};
  info["timing"] = {{"training_seconds", in.training_seconds},
                    {"evaluation_seconds", evaluator.stats().seconds},
                    {"evaluation_images", evaluator.stats().images},
                    {"stand_alone_seconds", stand_alone_seconds},
                    {"stand_alone_trained", stand_alone_trained}};

  if (shard.sharded()) {
    tables::write_predictions_csv(run_dir / shard_csv_name(shard), rows);
    json side = {{"shard", shard.index},
                 {"shards", shard.count},
                 {"architectures", rows.size()},
                 {"architectures_total", archs.size()},
                 {"set_hash", architecture_set_hash(all_indices)},
                 {"info", info}};
    // Written last: its presence says the shard's CSV is complete.
    write_file_atomic(run_dir / shard_json_name(shard), side.dump(2) + "\n");
    say(sink, fmt::format("shard {}/{}: {} architectures written to {}; merge with `spbench merge {}` when every "
                          "shard is done", shard.index, shard.count, rows.size(), shard_csv_name(shard), run_dir.string()));
    StudyResult out;
    out.rows = std::move(rows);
    return out;
  }
  return write_study_results(spec, std::move(rows), run_dir, in.data_root, info, sink);
}

}  // namespace spbench::evaluation
