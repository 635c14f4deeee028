// Include/override semantics, --set, defaults, typed plugin options and the
// resolved-spec round trip.

#include "catch.hpp"

#include <filesystem>
#include <fstream>
#include <variant>

#include "spbench/engine/spec/spec.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace spbench::spec_test {
PluginCatalog fake_catalog();  // test_spec_golden.cpp
}

namespace {

void write(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

ExperimentSpec load(const fs::path& file, std::vector<std::string> sets = {}) {
  LoadOptions options;
  options.sets = std::move(sets);
  options.display_base = file.parent_path();
  return load_experiment_spec(file, spec_test::fake_catalog(), options);
}

std::vector<Diagnostic> diagnostics(const fs::path& file, std::vector<std::string> sets = {}) {
  LoadOptions options;
  options.sets = std::move(sets);
  options.display_base = file.parent_path();
  std::vector<Diagnostic> out;
  validate_spec(load_spec_tree(file, options), spec_test::fake_catalog(), out);
  return out;
}

}  // namespace

TEST_CASE("an empty spec gets every default of the schema", "[spec]") {
  const auto dir = test::scratch_dir("spec_defaults");
  write(dir / "plain.yaml", "");
  const ExperimentSpec spec = load(dir / "plain.yaml");
  CHECK(spec.name == "plain");
  CHECK(spec.seed == 0);
  CHECK(spec.device == "auto");
  CHECK(spec.precision == Precision::Fp32);
  CHECK_FALSE(spec.channels_last);
  CHECK(spec.threads == 0);
  CHECK(spec.plugin_paths.empty());
  CHECK(spec.ops == OpSet::all());
  CHECK(spec.run.network.channels == 16);
  CHECK(spec.run.network.cells_per_stage == 5);
  CHECK(spec.run.network.num_classes == 10);
  CHECK(spec.run.network.bn_affine);
  CHECK(spec.run.network.bn_track_running_stats);
  CHECK(spec.run.topology_sharing);
  CHECK(spec.data.dataset == Dataset::Cifar10);
  CHECK(spec.data.root == "cifar10");
  CHECK(spec.data.split == "cifar10-valid");
  CHECK(spec.data.augment);
  CHECK(spec.run.epochs == 1);
  CHECK(spec.run.batch_size == 64);
  CHECK(spec.run.optimizer.learning_rate == 0.025);
  CHECK(spec.run.optimizer.weight_decay == 0.0005);
  CHECK(spec.run.optimizer.nesterov);
  CHECK(spec.training.schedule == LrSchedule::Cosine);
  CHECK(spec.training.log_every == 50);
  CHECK(spec.training.on_nonfinite_loss == NonfiniteLoss::Stop);
  CHECK(spec.sampler.name == "uniform");
  CHECK(spec.strategy.name == "one-shot");
  CHECK(spec.variants.empty());
  CHECK(spec.evaluation.architectures.kind == ArchitectureSelection::Kind::All);
  CHECK(spec.evaluation.bn == EvaluationSpec::BnMode::Running);
  CHECK(spec.evaluation.batches == 10);
  CHECK(spec.evaluation.batch_size == 256);
  CHECK(spec.ground_truth.source == GroundTruthSource::Csv);
  CHECK(spec.ground_truth.file == "nb201/nb201.csv");
  CHECK(spec.ground_truth.column == "cifar10_test_acc");
  CHECK(spec.ground_truth.join == GroundTruthJoin::Arch);
  CHECK(spec.ground_truth.stand_alone.architectures == 20);
  CHECK(spec.output.dir == "runs");
  CHECK(spec.output.checkpoint_every_epoch);
  CHECK(spec.spec_file == fs::absolute(dir / "plain.yaml").lexically_normal());
}

TEST_CASE("plugin options missing from the spec are filled from the plugin's defaults, typed", "[spec]") {
  const auto dir = test::scratch_dir("spec_plugin_defaults");
  write(dir / "p.yaml",
        "sampler: {name: progressive, options: {start: 1}}\n"
        "variants: [lr-warmup, {name: label-smoothing, options: {epsilon: 0.25}}]\n");
  const ExperimentSpec spec = load(dir / "p.yaml");
  CHECK(spec.sampler.name == "progressive");
  // An integer is a fine float; it is stored as a float.
  CHECK(std::holds_alternative<double>(spec.sampler.options.values().at("start")));
  CHECK(spec.sampler.options.get_float("start") == 1.0);
  CHECK(spec.sampler.options.get_string("schedule") == "linear");
  CHECK(spec.sampler.options.get_int_list("edges") == std::vector<std::int64_t>{0, 1});
  CHECK(spec.sampler.options.get_string_list("ops").empty());
  CHECK_FALSE(spec.sampler.options.get_bool("warm"));
  REQUIRE(spec.variants.size() == 2);
  CHECK(spec.variants[0].name == "lr-warmup");
  CHECK(spec.variants[0].options.get_int("epochs") == 1);
  CHECK(spec.variants[0].options.get_bool("enabled"));
  CHECK(spec.variants[1].options.get_float("epsilon") == 0.25);
}

TEST_CASE("an included file's maps are merged key by key and the including file wins", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_deep_merge");
  write(dir / "base.yaml",
        "seed: 4\ntraining: {epochs: 3, batch_size: 32}\nsupernet: {bn: {affine: false, track_running_stats: true}}\n");
  write(dir / "exp.yaml", "include: base.yaml\ntraining: {epochs: 5}\nsupernet: {bn: {affine: true}}\n");
  const ExperimentSpec spec = load(dir / "exp.yaml");
  CHECK(spec.seed == 4);
  CHECK(spec.run.epochs == 5);
  CHECK(spec.run.batch_size == 32);
  CHECK(spec.run.network.bn_affine);
  CHECK(spec.name == "exp");
}

TEST_CASE("a list in a later file replaces the earlier list instead of extending it", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_list_replace");
  write(dir / "base.yaml", "search_space: {ops: [none, skip_connect, nor_conv_3x3]}\nvariants: [grad-clip, lr-warmup]\n");
  write(dir / "exp.yaml", "include: [base.yaml]\nsearch_space: {ops: [nor_conv_1x1]}\nvariants: [label-smoothing]\n");
  const ExperimentSpec spec = load(dir / "exp.yaml");
  CHECK(spec.ops == OpSet::of(Op::NorConv1x1));
  CHECK(spec.run.space == SearchSpace(OpSet::of(Op::NorConv1x1)));
  REQUIRE(spec.variants.size() == 1);
  CHECK(spec.variants[0].name == "label-smoothing");
}

TEST_CASE("includes are merged in list order, later includes overriding earlier ones", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_include_order");
  write(dir / "a.yaml", "seed: 1\nthreads: 1\nprecision: bf16\n");
  write(dir / "b.yaml", "seed: 2\nthreads: 2\n");
  write(dir / "exp.yaml", "include: [a.yaml, b.yaml]\nseed: 3\n");
  const ExperimentSpec spec = load(dir / "exp.yaml");
  CHECK(spec.seed == 3);
  CHECK(spec.threads == 2);
  CHECK(spec.precision == Precision::Bf16);
}

TEST_CASE("includes resolve relative to the file that names them, through several levels", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_include_relative");
  write(dir / "common" / "net.yaml", "supernet: {channels: 4}\n");
  write(dir / "common" / "base.yaml", "include: net.yaml\nsupernet: {cells_per_stage: 2}\n");
  write(dir / "experiments" / "exp.yaml", "include: ../common/base.yaml\n");
  const ExperimentSpec spec = load(dir / "experiments" / "exp.yaml");
  CHECK(spec.run.network.channels == 4);
  CHECK(spec.run.network.cells_per_stage == 2);
}

TEST_CASE("the same file included twice through different files is not a cycle", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_include_diamond");
  write(dir / "common.yaml", "seed: 9\n");
  write(dir / "a.yaml", "include: common.yaml\n");
  write(dir / "b.yaml", "include: common.yaml\n");
  write(dir / "exp.yaml", "include: [a.yaml, b.yaml]\n");
  CHECK(load(dir / "exp.yaml").seed == 9);
}

TEST_CASE("--set overrides win over every file and reach into lists", "[spec][set]") {
  const auto dir = test::scratch_dir("spec_set");
  write(dir / "base.yaml", "training: {epochs: 3}\n");
  write(dir / "exp.yaml",
        "include: base.yaml\ntraining: {epochs: 4, batch_size: 8}\n"
        "variants: [{name: label-smoothing, options: {epsilon: 0.1}}, lr-warmup]\n");
  const ExperimentSpec spec =
      load(dir / "exp.yaml", {"training.epochs=7", "variants[0].options.epsilon=0.2", "variants[1].options.epochs=3",
                              "search_space.ops=[none, nor_conv_3x3]", "device=cuda:1", "training.epochs=8"});
  CHECK(spec.run.epochs == 8);  // the last --set of a key wins
  CHECK(spec.run.batch_size == 8);
  CHECK(spec.variants[0].options.get_float("epsilon") == 0.2);
  CHECK(spec.variants[1].options.get_int("epochs") == 3);
  CHECK(spec.ops == OpSet::of(Op::None).with(Op::NorConv3x3));
  CHECK(spec.device == "cuda:1");
}

TEST_CASE("a --set error points at the override, not at a file", "[spec][set]") {
  const auto dir = test::scratch_dir("spec_set_location");
  write(dir / "exp.yaml", "training: {epochs: 2}\n");
  const auto found = diagnostics(dir / "exp.yaml", {"training.epochs=0"});
  REQUIRE(found.size() == 1);
  CHECK(found[0].location.file == "--set training.epochs=0");
  CHECK(found[0].key_path == "training.epochs");
}

TEST_CASE("changing a plugin's name drops the options meant for the old plugin; keeping it merges them",
          "[spec][include]") {
  const auto dir = test::scratch_dir("spec_plugin_merge");
  write(dir / "base.yaml", "sampler: {name: progressive, options: {start: 0.9, schedule: cosine}}\n");
  write(dir / "switch.yaml", "include: base.yaml\nsampler: uniform\n");
  write(dir / "tweak.yaml", "include: base.yaml\nsampler: {options: {start: 0.1}}\n");
  CHECK(load(dir / "switch.yaml").sampler.name == "uniform");
  const ExperimentSpec tweaked = load(dir / "tweak.yaml");
  CHECK(tweaked.sampler.name == "progressive");
  CHECK(tweaked.sampler.options.get_float("start") == 0.1);
  CHECK(tweaked.sampler.options.get_string("schedule") == "cosine");
  CHECK(load(dir / "base.yaml", {"sampler=strict-fair"}).sampler.name == "strict-fair");
}

TEST_CASE("an error in an included file points into that file", "[spec][include]") {
  const auto dir = test::scratch_dir("spec_include_location");
  write(dir / "parts" / "base.yaml", "training:\n  epochs: zero\n");
  write(dir / "exp.yaml", "include: parts/base.yaml\n");
  const auto found = diagnostics(dir / "exp.yaml");
  REQUIRE(found.size() == 1);
  CHECK(found[0].location == SourceLocation{"parts/base.yaml", 2, 11});
}

TEST_CASE("plugin_paths are resolved against the folder of the spec that names them", "[spec]") {
  const auto dir = test::scratch_dir("spec_plugin_paths");
  fs::create_directories(dir / "common" / "my-plugins");
  write(dir / "common" / "base.yaml", "plugin_paths: [my-plugins]\n");
  write(dir / "exp.yaml", "include: common/base.yaml\n");
  const ExperimentSpec spec = load(dir / "exp.yaml");
  REQUIRE(spec.plugin_paths.size() == 1);
  CHECK(spec.plugin_paths[0] == fs::absolute(dir / "common" / "my-plugins").lexically_normal());
}

TEST_CASE("SpecError carries every diagnostic and its what() lists them", "[spec]") {
  const auto dir = test::scratch_dir("spec_error");
  write(dir / "bad.yaml", "seed: x\nthreads: -2\n");
  try {
    load(dir / "bad.yaml");
    FAIL("a bad spec was accepted");
  } catch (const SpecError& e) {
    REQUIRE(e.diagnostics().size() == 2);
    CHECK(std::string(e.what()) == "bad.yaml:1:7: error: seed: expected an integer >= 0, got 'x'\n"
                                   "bad.yaml:2:10: error: threads: expected an integer >= 0, got '-2'");
  }
}

TEST_CASE("a misspelling within two edits is suggested, an unrelated word is not", "[spec]") {
  CHECK(closest_match("epoch", {"epochs", "batch_size"}) == "epochs");
  CHECK(closest_match("trainnig", {"training", "data"}) == "training");  // swapped letters: one edit
  CHECK(closest_match("Label_Smoothing", {"label-smoothing"}) == "label-smoothing");
  CHECK(closest_match("colour", {"epochs", "enabled"}).empty());
  CHECK(closest_match("bx", {"bn"}).empty() == false);
  CHECK(closest_match("xy", {"bn"}).empty());
  CHECK(edit_distance("ab", "ba") == 1);
}

TEST_CASE("the printed resolved spec reads back as an equal spec and prints identically", "[spec][roundtrip]") {
  const auto dir = test::scratch_dir("spec_roundtrip");
  fs::create_directories(dir / "plugins");
  write(dir / "archs.txt", "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|\n");
  write(dir / "exp.yaml",
        "name: round-trip\nseed: 12345\ndevice: cuda:0\nprecision: fp16-amp\nchannels_last: true\nthreads: 3\n"
        "plugin_paths: [plugins]\n"
        "search_space: {ops: [nor_conv_3x3, none, avg_pool_3x3]}\n"
        "supernet: {channels: 4, cells_per_stage: 2, bn: {affine: false, track_running_stats: false},"
        " topology_sharing: false}\n"
        "data: {dataset: cifar100, root: /data/c100, split: train-test, train_subset: 500, valid_subset: 100,"
        " resize: 16, augment: false}\n"
        "training: {epochs: 3, batch_size: 16, steps_per_epoch: 7, learning_rate: 0.05, min_learning_rate: 1e-5,"
        " momentum: 0.8, nesterov: false, weight_decay: 3e-4, weight_decay_on_bn_and_bias: false,"
        " schedule: constant, log_every: 0, on_nonfinite_loss: skip}\n"
        "sampler: {name: progressive, options: {start: 2, schedule: cosine, edges: [5, 4], ops: ['true', 'a: b', '1e3'],"
        " warm: true}}\n"
        "strategy: {name: few-shot, options: {split_edges: [1]}}\n"
        "variants: [lr-warmup, {name: label-smoothing, options: {epsilon: 0.3}}]\n"
        "evaluation: {architectures: {list: archs.txt}, bn: batch, batches: 0, batch_size: 64}\n"
        "ground_truth: {source: stand-alone, file: 'gt: file.csv', column: '123', join: index,"
        " stand_alone: {epochs: 2, batch_size: 8, learning_rate: 0.2, architectures: 5}}\n"
        "output: {dir: out/runs, checkpoint_every_epoch: false}\n");
  const ExperimentSpec original = load(dir / "exp.yaml");
  const std::string printed = to_yaml(original);
  write(dir / "resolved" / "resolved-spec.yaml", printed);
  const ExperimentSpec again = load(dir / "resolved" / "resolved-spec.yaml");
  CHECK(again == original);
  CHECK(to_yaml(again) == printed);
  CHECK(again.sampler.options.get_string_list("ops") == std::vector<std::string>{"true", "a: b", "1e3"});
  CHECK(again.ground_truth.column == "123");

  // Each form of the architecture and BN selections survives the trip too.
  for (const auto& set : std::vector<std::vector<std::string>>{
           {"evaluation.architectures=all"},
           {"evaluation.architectures=unique", "evaluation.bn=running", "supernet.bn.track_running_stats=true"},
           {"evaluation.architectures={sample: 30, stratified: true}", "evaluation.bn={recalibrate: 3}"},
           {"evaluation.architectures={sample: 30, stratified: false, seed: 7}"},
           {"evaluation.bn={recalibrate: 20, momentum: 0.1, reset: false}", "data.split=train-valid",
            "data.valid_fraction=0.1"},
           {"evaluation.architectures={top: 4}"}}) {
    const ExperimentSpec variant = load(dir / "exp.yaml", set);
    write(dir / "resolved" / "variant.yaml", to_yaml(variant));
    INFO(to_yaml(variant));
    CHECK(load(dir / "resolved" / "variant.yaml") == variant);
  }
}

TEST_CASE("specs that differ in one setting are not equal", "[spec][roundtrip]") {
  const auto dir = test::scratch_dir("spec_inequality");
  write(dir / "exp.yaml", "variants: [label-smoothing]\n");
  const ExperimentSpec base = load(dir / "exp.yaml");
  CHECK(base == load(dir / "exp.yaml"));
  CHECK_FALSE(base == load(dir / "exp.yaml", {"variants[0].options.epsilon=0.2"}));
  CHECK_FALSE(base == load(dir / "exp.yaml", {"training.momentum=0.5"}));
  CHECK_FALSE(base == load(dir / "exp.yaml", {"output.dir=elsewhere"}));
}

TEST_CASE("the resolved spec starts with the experiment's name and lists plugin options in full", "[spec][roundtrip]") {
  const auto dir = test::scratch_dir("spec_print");
  write(dir / "exp.yaml", "variants: [grad-clip]\n");
  const std::string printed = to_yaml(load(dir / "exp.yaml"));
  CHECK(printed.rfind("name: exp\nseed: 0\n", 0) == 0);
  CHECK(printed.find("variants:\n  - name: grad-clip\n    options:\n      max_norm: 5.0\n") != std::string::npos);
  CHECK(printed.find("sampler:\n  name: uniform\n  options: {}\n") != std::string::npos);
}

TEST_CASE("evaluation.bn's recalibration takes a momentum and a reset flag, and names a bad one", "[spec]") {
  const auto dir = test::scratch_dir("spec_recalibrate");
  write(dir / "exp.yaml", "evaluation:\n  bn: {recalibrate: 20, momentum: 0.1, reset: false}\n");
  const ExperimentSpec uninas = load(dir / "exp.yaml");
  CHECK(uninas.evaluation.bn == EvaluationSpec::BnMode::Recalibrate);
  CHECK(uninas.evaluation.recalibrate_batches == 20);
  CHECK(uninas.evaluation.recalibrate_momentum == 0.1);
  CHECK_FALSE(uninas.evaluation.recalibrate_reset);
  CHECK(to_yaml(uninas).find("bn: {recalibrate: 20, momentum: 0.1, reset: false}") != std::string::npos);
  // The defaults: a plain (cumulative) average after a reset; printed as before.
  const ExperimentSpec plain = load(dir / "exp.yaml", {"evaluation.bn={recalibrate: 4}"});
  CHECK(plain.evaluation.recalibrate_momentum < 0);
  CHECK(plain.evaluation.recalibrate_reset);
  CHECK(to_yaml(plain).find("bn: {recalibrate: 4}\n") != std::string::npos);
  CHECK(load(dir / "exp.yaml", {"evaluation.bn={recalibrate: 4, momentum: cumulative}"}) == plain);
  for (const std::string bad : {"evaluation.bn={recalibrate: 4, momentum: 0}", "evaluation.bn={recalibrate: 4, momentum: 1.5}",
                                "evaluation.bn={recalibrate: 4, momentum: fast}", "evaluation.bn={recalibrate: 4, reset: maybe}"}) {
    INFO(bad);
    const auto found = diagnostics(dir / "exp.yaml", {bad});
    REQUIRE(found.size() == 1);
    CHECK(found[0].key_path.rfind("evaluation.bn.", 0) == 0);
  }
  const auto unknown = diagnostics(dir / "exp.yaml", {"evaluation.bn={recalibrate: 4, momentun: 0.1}"});
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message == "unknown key");
}
