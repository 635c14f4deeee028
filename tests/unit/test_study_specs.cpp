// The experiment specs shipped under experiments/: every one validates
// (schema, plugins and their options against the resolved setup), and the
// study's two profiles run the same comparisons at their own scale.
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <spbench/engine/experiment/experiment.hpp>
#include <spbench/engine/spec/registry_catalog.hpp>
#include <spbench/engine/spec/spec.hpp>

#include <spbench/study/matrix/matrix.hpp>

#include <fstream>
#include <iterator>

#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace {

const fs::path kExperiments = fs::path(SPBENCH_TEST_SOURCE_DIR) / ".." / "experiments";
const fs::path kStudy = kExperiments / "study";

PluginRegistry& registry() {
  static PluginRegistry r;
  return r;
}

std::vector<fs::path> yaml_files(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

ExperimentSpec load(const fs::path& file) {
  try {
    return load_experiment_spec(file, plugin_catalog(registry()));
  } catch (const SpecError& e) {
    FAIL(file.string() << ":\n" << format(e.diagnostics()));
  }
  return {};
}

ExperimentSpec study(const std::string& profile, const std::string& comparison) {
  const fs::path file = kStudy / profile / (comparison + ".yaml");
  REQUIRE(fs::exists(file));
  return load(file);
}

std::set<std::string> stems(const fs::path& dir) {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") out.insert(entry.path().stem().string());
  return out;
}

std::vector<std::string> variant_names(const ExperimentSpec& spec) {
  std::vector<std::string> out;
  for (const auto& v : spec.variants) out.push_back(v.name);
  return out;
}

bool same_selection(const PluginSelection& a, const PluginSelection& b) {
  return a.name == b.name && a.options.values() == b.options.values();
}

}  // namespace

TEST_CASE("Every spec under experiments/ validates, its plugins accepting the resolved setup") {
  const auto files = yaml_files(kExperiments);
  REQUIRE(files.size() >= 60u);
  int matrices = 0;
  for (const auto& file : files) {
    INFO(file.string());
    std::ifstream in(file);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.rfind("matrix:", 0) == 0 || text.find("\nmatrix:") != std::string::npos) {
      // A matrix spec: every cell must validate.
      ++matrices;
      std::vector<Diagnostic> diagnostics;
      const matrix::ResolvedMatrix m = matrix::resolve_matrix(file, plugin_catalog(registry()), {}, diagnostics);
      CHECK(format(diagnostics).empty());
      CHECK(m.cells.size() >= 2u);
      for (const auto& cell : m.cells) CHECK_NOTHROW(prepare_experiment(cell.spec, registry()));
      continue;
    }
    const ExperimentSpec spec = load(file);
    // Plugin options that depend on the rest of the spec (a few-shot split
    // edge against the operation subset) are checked by prepare_experiment.
    CHECK_NOTHROW(prepare_experiment(spec, registry()));
  }
  CHECK(matrices >= 1);
}

TEST_CASE("The study profiles hold the comparisons that make sense for them, each named after its file") {
  const auto cpu = stems(kStudy / "cpu-proxy"), full = stems(kStudy / "full"), comparisons = stems(kStudy / "comparisons");
  CHECK(cpu == comparisons);
  CHECK(full == comparisons);
  // UniNAS has no edge-split few-shot super-network; few-shot-NAS's own
  // recipe is for its one-shot and few-shot runs.
  auto without_few_shot = comparisons;
  without_few_shot.erase("few-shot");
  CHECK(stems(kStudy / "uninas") == without_few_shot);
  CHECK(stems(kStudy / "few-shot-nas") == std::set<std::string>{"baseline", "few-shot"});
  for (const std::string& required :
       {"baseline", "few-shot", "linear-transformers", "linear-transformers-pool", "no-topology-sharing",
        "label-smoothing", "dropout", "drop-path", "weight-decay-off", "weight-decay-all", "cutout", "mixup",
        "grad-clip", "lr-warmup", "ema", "bn-affine", "sampler-strict-fair", "sampler-strict-fair-shared",
        "sampler-unique-uniform",
        "sampler-functional-uniform", "sampler-round-robin", "ops-no-none", "ops-no-none-no-pool", "size-c8-n1",
        "size-c16-n5", "size-c32-n5"})
    CHECK(comparisons.count(required) == 1);
  for (const auto& name : {"few-shot", "size-c32-n3"}) {
    CHECK(study("cpu-proxy", name).name == name);
    CHECK(study("full", name).name == name);
  }
  CHECK(study("uninas", "sampler-strict-fair").name == "sampler-strict-fair");
  CHECK(study("few-shot-nas", "few-shot").name == "few-shot");
}

TEST_CASE("The full profile is NAS-Bench-201's setting and the CPU proxy a small one") {
  const ExperimentSpec full = study("full", "baseline");
  CHECK(full.run.network.channels == 16);
  CHECK(full.run.network.cells_per_stage == 5);
  CHECK(full.run.epochs == 250);
  CHECK(full.run.batch_size == 256);
  CHECK(full.device == "auto");
  CHECK(full.data.dataset == Dataset::Cifar10);
  CHECK(full.data.split == "train-valid");
  CHECK(full.data.valid_fraction == 0.1);
  CHECK(full.data.train_subset == 0);
  CHECK(full.data.resize == 0);
  CHECK(full.ops == OpSet::all());
  CHECK(full.evaluation.architectures.kind == ArchitectureSelection::Kind::All);
  CHECK(full.ground_truth.source == GroundTruthSource::Csv);
  CHECK(full.ground_truth.file == "nb201/nb201.csv");
  CHECK(full.ground_truth.column == "cifar10_test_acc");
  CHECK(full.sampler.name == "uniform");
  CHECK(full.strategy.name == "one-shot");
  CHECK(full.variants.empty());

  const ExperimentSpec cpu = study("cpu-proxy", "baseline");
  CHECK(cpu.run.network.channels == 8);
  CHECK(cpu.run.network.cells_per_stage == 1);
  CHECK(cpu.run.epochs <= 20);
  CHECK(cpu.device == "cpu");
  CHECK(cpu.data.split == "train-valid");
  CHECK(cpu.data.train_subset == 15000);
  CHECK(cpu.data.resize == 16);
  CHECK(cpu.evaluation.architectures.kind == ArchitectureSelection::Kind::Sample);
  CHECK(cpu.evaluation.architectures.count == 500);
  CHECK(cpu.evaluation.architectures.stratified);
  CHECK(cpu.evaluation.architectures.seed == 0);  // the same 500 for every run seed
  CHECK(cpu.evaluation.bn == EvaluationSpec::BnMode::Running);
  CHECK(cpu.ground_truth.column == "cifar10_test_acc");
}

namespace {

// The recipe's *choices*, apart from its size (epochs, batch, network and
// data sizes), as one line so that a drift shows both sides in full.
std::string recipe_choices(const ExperimentSpec& s) {
  const OptimizerSetup& o = s.run.optimizer;
  const EvaluationSpec& e = s.evaluation;
  std::ostringstream out;
  out << "candidate BN affine=" << s.run.network.bn_affine << " track=" << s.run.network.bn_track_running_stats
      << " | topology_sharing=" << s.run.topology_sharing
      << " | unsampled_gradients=" << setting_name(s.training.unsampled_gradients) << " | lr=" << o.learning_rate
      << " min_lr=" << o.min_learning_rate << " momentum=" << o.momentum << " nesterov=" << o.nesterov
      << " wd=" << o.weight_decay << " wd_on_1d=" << o.weight_decay_on_bn_and_bias
      << " | schedule=" << setting_name(s.training.schedule) << "/" << setting_name(s.training.schedule_step)
      << " | split=" << s.data.split;
  if (s.data.split == "train-valid") out << " valid_fraction=" << s.data.valid_fraction;
  out << " augment=" << s.data.augment << " | sampler=" << s.sampler.name << " strategy=" << s.strategy.name
      << " variants=" << s.variants.size() << " | eval bn=" << static_cast<int>(e.bn);
  if (e.bn == EvaluationSpec::BnMode::Recalibrate)
    out << " momentum=" << e.recalibrate_momentum << " reset=" << e.recalibrate_reset;
  out << " whole_split=" << (e.batches == 0);
  return out.str();
}

// UniNAS as docs/fidelity.md reads it (cogsys-tuebingen/uninas:
// configs/tasks_bench/s1_random_cifar.run_config for training,
// configs/tasks_bench/s2_eval_net_bench.run_config for scoring,
// uninas/modules/primitives/bench201.py for the candidate BatchNorm).
ExperimentSpec uninas_reference() {
  ExperimentSpec s;
  s.run.network.bn_affine = false;
  s.run.network.bn_track_running_stats = true;
  s.run.topology_sharing = true;
  s.training.unsampled_gradients = UnsampledGradients::Zero;
  s.run.optimizer.learning_rate = 0.025;
  s.run.optimizer.min_learning_rate = 1e-5;
  s.run.optimizer.momentum = 0.9;
  s.run.optimizer.nesterov = false;
  s.run.optimizer.weight_decay = 3e-4;
  s.run.optimizer.weight_decay_on_bn_and_bias = false;
  s.training.schedule = LrSchedule::Cosine;
  s.training.schedule_step = ScheduleStep::Epoch;
  s.data.split = "train-valid";
  s.data.valid_fraction = 0.1;
  s.data.augment = true;
  s.sampler.name = "uniform";
  s.strategy.name = "one-shot";
  s.evaluation.bn = EvaluationSpec::BnMode::Recalibrate;
  s.evaluation.recalibrate_momentum = 0.1;
  s.evaluation.recalibrate_reset = false;
  s.evaluation.batches = 0;
  return s;
}

}  // namespace

TEST_CASE("The cpu-proxy, full and uninas baselines make every choice of UniNAS's recipe") {
  const std::string reference = recipe_choices(uninas_reference());
  for (const std::string profile : {"full", "uninas"}) {
    INFO(profile);
    CHECK(recipe_choices(study(profile, "baseline")) == reference);
  }
  // The proxy scores with UniNAS's protocol at R = 0 batches: starting from
  // the trained statistics and forwarding none leaves them as they are,
  // which is `running` (its proxy search chose R = 0).
  ExperimentSpec proxy = study("cpu-proxy", "baseline");
  CHECK(proxy.evaluation.bn == EvaluationSpec::BnMode::Running);
  proxy.evaluation.bn = EvaluationSpec::BnMode::Recalibrate;
  proxy.evaluation.recalibrate_momentum = 0.1;
  proxy.evaluation.recalibrate_reset = false;
  CHECK(recipe_choices(proxy) == reference);
  // UniNAS's own size: C=16, N=2, 250 epochs of batch 256, R=20, all 15,625.
  const ExperimentSpec uninas = study("uninas", "baseline");
  CHECK(uninas.run.network.channels == 16);
  CHECK(uninas.run.network.cells_per_stage == 2);
  CHECK(uninas.run.epochs == 250);
  CHECK(uninas.run.batch_size == 256);
  CHECK(uninas.evaluation.recalibrate_batches == 20);
  CHECK(uninas.evaluation.architectures.kind == ArchitectureSelection::Kind::All);
  CHECK(study("full", "baseline").evaluation.recalibrate_batches == 20);
}

TEST_CASE("The few-shot-nas profile is few-shot-NAS's recipe, its few-shot run the parent then 5 children") {
  const ExperimentSpec one = study("few-shot-nas", "baseline");
  CHECK_FALSE(one.run.network.bn_affine);
  CHECK_FALSE(one.run.network.bn_track_running_stats);
  CHECK_FALSE(one.run.topology_sharing);  // every cell samples its own architecture in training
  CHECK(one.run.network.channels == 16);
  CHECK(one.run.network.cells_per_stage == 5);
  CHECK(one.run.epochs == 600);
  CHECK(one.run.batch_size == 48);
  CHECK(one.run.optimizer.learning_rate == 0.025);
  CHECK(one.run.optimizer.min_learning_rate == 0.001);
  CHECK(one.run.optimizer.nesterov);
  CHECK(one.run.optimizer.weight_decay == 1e-4);
  CHECK(one.run.optimizer.weight_decay_on_bn_and_bias);
  CHECK(one.training.schedule_step == ScheduleStep::Epoch);
  CHECK(one.training.unsampled_gradients == UnsampledGradients::Zero);
  CHECK(one.data.split == "cifar10");  // all 50,000 training images; scored on the 10,000 test images
  // Eval mode: the candidate operations' BN has no running statistics and so
  // normalises with each 48-image batch; stem, reductions and head use theirs.
  CHECK(one.evaluation.bn == EvaluationSpec::BnMode::Running);
  CHECK(one.evaluation.batches == 0);
  CHECK(one.evaluation.batch_size == 48);
  const ExperimentSpec few = study("few-shot-nas", "few-shot");
  CHECK(few.strategy.name == "few-shot");
  CHECK(few.strategy.options.get_int_list("split_edges") == std::vector<std::int64_t>{0});
  CHECK(few.strategy.options.get_int("epochs_before_split") == 600);
  CHECK(few.strategy.options.get_int("epochs_per_subnetwork") == 300);
  // What the trainer will run: the parent's 600 epochs, then 5 × 300.
  const PreparedExperiment prepared = prepare_experiment(few, registry());
  const auto phases = prepared.plugins.strategy->schedule(
      few.run.epochs, prepared.plugins.strategy->partition(prepared.setup.space));
  REQUIRE(phases.size() == 6u);
  CHECK(phases[0].epochs == 600);
  for (std::size_t k = 1; k < phases.size(); ++k) {
    CHECK(phases[k].epochs == 300);
    CHECK(phases[k].warm_start_from == std::optional<int>(0));
  }
}

TEST_CASE("Each comparison changes the same thing in both profiles") {
  const ExperimentSpec cpu_base = study("cpu-proxy", "baseline"), full_base = study("full", "baseline");
  for (const auto& name : stems(kStudy / "comparisons")) {
    INFO(name);
    const ExperimentSpec cpu = study("cpu-proxy", name), full = study("full", name);
    CHECK(same_selection(cpu.sampler, full.sampler));
    // few-shot's epoch counts are each profile's (its training.epochs and half).
    if (name == "few-shot") {
      CHECK(cpu.strategy.name == full.strategy.name);
      CHECK(cpu.strategy.options.get_int_list("split_edges") == full.strategy.options.get_int_list("split_edges"));
    } else {
      CHECK(same_selection(cpu.strategy, full.strategy));
    }
    CHECK(variant_names(cpu) == variant_names(full));
    CHECK(cpu.ops == full.ops);
    CHECK(cpu.run.topology_sharing == full.run.topology_sharing);
    const bool size = name.rfind("size-", 0) == 0;
    CHECK(cpu.run.network.channels == (size ? full.run.network.channels : cpu_base.run.network.channels));
    CHECK(cpu.run.network.cells_per_stage ==
          (size ? full.run.network.cells_per_stage : cpu_base.run.network.cells_per_stage));
    if (!size) CHECK(full.run.network.channels == full_base.run.network.channels);
    // The profile's scale is untouched by the comparison.
    CHECK(cpu.run.epochs == cpu_base.run.epochs);
    CHECK(full.run.epochs == full_base.run.epochs);
    CHECK(full.data.train_subset == full_base.data.train_subset);
  }
}

TEST_CASE("The study's key comparisons resolve to the plugins and settings they name") {
  for (const std::string profile : {"cpu-proxy", "full"}) {
    INFO(profile);
    const ExperimentSpec few = study(profile, "few-shot");
    CHECK(few.strategy.name == "few-shot");
    CHECK(few.strategy.options.get_int_list("split_edges") == std::vector<std::int64_t>{0});
    CHECK_FALSE(study(profile, "linear-transformers").strategy.options.get_bool("pool"));
    CHECK(study(profile, "linear-transformers-pool").strategy.options.get_bool("pool"));
    CHECK(study(profile, "sampler-strict-fair").sampler.name == "strict-fair");
    CHECK(study(profile, "sampler-strict-fair").sampler.options.get_string("batches") == "distinct");
    CHECK(study(profile, "sampler-strict-fair-shared").sampler.options.get_string("batches") == "shared");
    // few-shot-NAS's schedule: the parent for all epochs, each child for half.
    CHECK(few.strategy.options.get_int("epochs_before_split") == few.run.epochs);
    CHECK(few.strategy.options.get_int("epochs_per_subnetwork") * 2 == few.run.epochs);
    CHECK(study(profile, "ops-no-none-no-pool").ops ==
          OpSet::of(Op::SkipConnect).with(Op::NorConv1x1).with(Op::NorConv3x3));
    CHECK(study(profile, "ops-no-none").ops == OpSet::all().without(Op::None));
    const ExperimentSpec wd = study(profile, "weight-decay-all");
    REQUIRE(wd.variants.size() == 1u);
    CHECK_FALSE(wd.variants[0].options.get_bool("exclude_bn_and_bias"));
    const ExperimentSpec big = study(profile, "size-c32-n5");
    CHECK(big.run.network.channels == 32);
    CHECK(big.run.network.cells_per_stage == 5);
    // What a run actually trains with: the variants' configure() applied.
    CHECK_FALSE(prepare_experiment(study(profile, "no-topology-sharing"), registry()).setup.topology_sharing);
    CHECK_FALSE(prepare_experiment(study(profile, "baseline"), registry()).setup.network.bn_affine);
    CHECK(prepare_experiment(study(profile, "bn-affine"), registry()).setup.network.bn_affine);
    CHECK(prepare_experiment(study(profile, "weight-decay-all"), registry()).setup.optimizer.weight_decay_on_bn_and_bias);
    CHECK(prepare_experiment(study(profile, "weight-decay-off"), registry()).setup.optimizer.weight_decay == 0.0);
  }
  // The proxy scales options that depend on image size or run length down.
  CHECK(study("cpu-proxy", "cutout").variants.at(0).options.get_int("length") == 8);
  CHECK(study("full", "cutout").variants.at(0).options.get_int("length") == 16);
  CHECK(study("cpu-proxy", "lr-warmup").variants.at(0).options.get_float("epochs") == 1.0);
  CHECK(study("cpu-proxy", "ema").variants.at(0).options.get_float("decay") == 0.995);
  CHECK(study("full", "ema").variants.at(0).options.get_float("decay") == 0.999);
}

TEST_CASE("A few-shot spec whose split edge the subset leaves one operation is refused before training") {
  const fs::path dir = spbench::test::scratch_dir("study-few-shot-subset");
  const fs::path file = dir / "bad-split.yaml";
  {
    std::ofstream out(file);
    out << "search_space: {ops: [none, nor_conv_3x3]}\n"
           "strategy: {name: few-shot, options: {split_edges: [1]}}\n";
  }
  const ExperimentSpec ok = load(file);  // the schema alone cannot know
  CHECK_NOTHROW(prepare_experiment(ok, registry()));
  std::ofstream(file) << "search_space: {ops: [nor_conv_3x3]}\n"
                         "strategy: {name: few-shot, options: {split_edges: [1]}}\n";
  const ExperimentSpec spec = load(file);
  try {
    prepare_experiment(spec, registry());
    FAIL("prepare_experiment accepted a split edge with one operation");
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    INFO(message);
    CHECK(message.find("bad-split.yaml:2") != std::string::npos);  // where the strategy was chosen
    CHECK(message.find("option 'split_edges'") != std::string::npos);
    CHECK(message.find("split edge 1 allows 1 operation(s)") != std::string::npos);
  }
}

TEST_CASE("The five- and ten-seed studies' cells are the cpu-proxy comparisons they stand for, seed by seed") {
  const auto [file, seed_count] = GENERATE(std::make_pair("cpu-proxy-study.yaml", 5), std::make_pair("cpu-proxy-study-10-seeds.yaml", 10));
  INFO(file);
  std::vector<Diagnostic> diagnostics;
  const matrix::ResolvedMatrix m =
      matrix::resolve_matrix(kStudy / "seeds" / file, plugin_catalog(registry()), {}, diagnostics);
  REQUIRE(format(diagnostics).empty());
  REQUIRE(m.cells.size() == static_cast<std::size_t>(8 * seed_count));
  std::map<std::string, std::set<std::uint64_t>> seeds_of;
  for (const auto& cell : m.cells) {
    const ExperimentSpec& got = cell.spec;
    // The comparison a cell stands for, read from what differs from the baseline.
    std::string row = "baseline";
    if (got.strategy.name != "one-shot") row = got.strategy.name;
    else if (got.sampler.name != "uniform") row = "sampler-" + got.sampler.name;
    else if (!got.variants.empty()) row = got.variants.front().name;
    INFO(cell.cell.name << " as cpu-proxy/" << row << ".yaml");
    ExperimentSpec expected = study("cpu-proxy", row);
    expected.seed = got.seed;
    expected.name = got.name;
    expected.output = got.output;
    CHECK(to_yaml(got) == to_yaml(expected));
    seeds_of[row].insert(got.seed);
  }
  std::set<std::uint64_t> all;
  for (int s = 0; s < seed_count; ++s) all.insert(static_cast<std::uint64_t>(s));
  CHECK(seeds_of.size() == 8u);
  for (const auto& [row, seeds] : seeds_of) {
    INFO(row);
    CHECK(seeds == all);
  }
}

TEST_CASE("The ten-seed study's first five seeds are the five-seed study's cells, so one results folder serves both") {
  std::vector<Diagnostic> diagnostics;
  const auto five = matrix::resolve_matrix(kStudy / "seeds" / "cpu-proxy-study.yaml", plugin_catalog(registry()), {},
                                           diagnostics);
  const auto ten = matrix::resolve_matrix(kStudy / "seeds" / "cpu-proxy-study-10-seeds.yaml", plugin_catalog(registry()),
                                          {}, diagnostics);
  REQUIRE(format(diagnostics).empty());
  std::map<std::string, std::string> yaml_of;
  for (const auto& c : ten.cells) yaml_of[c.cell.id] = c.yaml;
  for (const auto& c : five.cells) {
    INFO(c.cell.name);
    REQUIRE(yaml_of.count(c.cell.id) == 1u);
    CHECK(yaml_of[c.cell.id] == c.yaml);  // what the runner compares before reusing a finished cell
  }
}
