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

TEST_CASE("Both study profiles hold the same comparisons, each named after its file") {
  const auto cpu = stems(kStudy / "cpu-proxy"), full = stems(kStudy / "full"), comparisons = stems(kStudy / "comparisons");
  CHECK(cpu == comparisons);
  CHECK(full == comparisons);
  for (const std::string& required :
       {"baseline", "few-shot", "linear-transformers", "linear-transformers-pool", "no-topology-sharing",
        "label-smoothing", "dropout", "drop-path", "weight-decay-off", "weight-decay-exclude", "cutout", "mixup",
        "grad-clip", "lr-warmup", "ema", "bn-non-affine", "sampler-strict-fair", "sampler-unique-uniform",
        "sampler-functional-uniform", "sampler-round-robin", "ops-no-none", "ops-no-none-no-pool", "size-c8-n1",
        "size-c16-n5", "size-c32-n5"})
    CHECK(comparisons.count(required) == 1);
  for (const auto& name : {"few-shot", "size-c32-n3"}) {
    CHECK(study("cpu-proxy", name).name == name);
    CHECK(study("full", name).name == name);
  }
}

TEST_CASE("The full profile is NAS-Bench-201's setting and the CPU proxy a small one") {
  const ExperimentSpec full = study("full", "baseline");
  CHECK(full.run.network.channels == 16);
  CHECK(full.run.network.cells_per_stage == 5);
  CHECK(full.run.epochs == 250);
  CHECK(full.run.batch_size == 256);
  CHECK(full.device == "auto");
  CHECK(full.data.dataset == Dataset::Cifar10);
  CHECK(full.data.split == "cifar10-valid");
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
  CHECK(cpu.data.split == "cifar10-valid");
  CHECK(cpu.data.train_subset == 15000);
  CHECK(cpu.data.resize == 16);
  CHECK(cpu.evaluation.architectures.kind == ArchitectureSelection::Kind::Sample);
  CHECK(cpu.evaluation.architectures.count == 500);
  CHECK(cpu.evaluation.architectures.stratified);
  CHECK(cpu.evaluation.bn == EvaluationSpec::BnMode::Recalibrate);
  CHECK(cpu.evaluation.recalibrate_batches == 1);
  CHECK(cpu.ground_truth.column == "cifar10_test_acc");
}

TEST_CASE("Each comparison changes the same thing in both profiles") {
  const ExperimentSpec cpu_base = study("cpu-proxy", "baseline"), full_base = study("full", "baseline");
  for (const auto& name : stems(kStudy / "comparisons")) {
    INFO(name);
    const ExperimentSpec cpu = study("cpu-proxy", name), full = study("full", name);
    CHECK(same_selection(cpu.sampler, full.sampler));
    CHECK(same_selection(cpu.strategy, full.strategy));
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
    CHECK(study(profile, "ops-no-none-no-pool").ops ==
          OpSet::of(Op::SkipConnect).with(Op::NorConv1x1).with(Op::NorConv3x3));
    CHECK(study(profile, "ops-no-none").ops == OpSet::all().without(Op::None));
    const ExperimentSpec wd = study(profile, "weight-decay-exclude");
    REQUIRE(wd.variants.size() == 1u);
    CHECK(wd.variants[0].options.get_bool("exclude_bn_and_bias"));
    const ExperimentSpec big = study(profile, "size-c32-n5");
    CHECK(big.run.network.channels == 32);
    CHECK(big.run.network.cells_per_stage == 5);
    // What a run actually trains with: the variants' configure() applied.
    CHECK_FALSE(prepare_experiment(study(profile, "no-topology-sharing"), registry()).setup.topology_sharing);
    CHECK_FALSE(prepare_experiment(study(profile, "bn-non-affine"), registry()).setup.network.bn_affine);
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
