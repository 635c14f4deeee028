// Every plugin works with the real trainer and with the others: every
// strategy × sampler pair, every variant on its own and all variants at once
// train a tiny super-network on synthetic data with finite losses. Also: every
// plugin documents itself (what `spbench plugins` shows).
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <spbench/engine/training/trainer.hpp>

using namespace spbench;

namespace {

PluginRegistry& registry() {
  static PluginRegistry r;
  return r;
}

const PluginInfo& info_of(PluginKind kind, const std::string& name) {
  const PluginInfo* info = registry().find(kind, name);
  REQUIRE(info != nullptr);
  return *info;
}

// 64 random 3×8×8 images of 10 classes.
data::ImageDataset synthetic_data() {
  torch::manual_seed(1);
  data::ImageDataset d;
  d.name = "synthetic/train";
  d.images = torch::randint(0, 256, {64, 3, 8, 8}, torch::kUInt8);
  d.labels = torch::arange(64, torch::kLong).remainder(10);
  d.num_classes = 10;
  d.mean = {0.5f, 0.5f, 0.5f};
  d.std = {0.25f, 0.25f, 0.25f};
  return d;
}

struct Run {
  std::vector<EpochRecord> history;
  std::vector<TrainingPhase> phases;
  std::vector<std::string> messages;
};

struct VariantChoice {
  std::string name;
  std::map<std::string, std::string> options;
};

// Trains C=4, N=1 for 2 epochs of 2 steps of 16 images, the way a run does:
// plugins made from their options, the variants' configure() in order, every
// plugin's validate() on the final setup.
Run train(const std::string& sampler, const std::string& strategy, const std::vector<VariantChoice>& variants = {}) {
  Trainer::Plugins plugins;
  plugins.sampler = registry().make_sampler(sampler, info_of(PluginKind::Sampler, sampler).default_options());
  plugins.strategy = registry().make_strategy(strategy, info_of(PluginKind::Strategy, strategy).default_options());
  for (const auto& v : variants) {
    const PluginInfo& info = info_of(PluginKind::Variant, v.name);
    Options o = info.default_options();
    for (const auto& [key, text] : v.options) o.set(key, parse_option_value(*info.option(key), text));
    plugins.variants.push_back(registry().make_variant(v.name, o));
  }
  TrainerConfig config;
  config.setup.network.channels = 4;
  config.setup.network.cells_per_stage = 1;
  config.setup.epochs = 2;
  config.setup.batch_size = 16;
  config.setup.seed = 3;
  config.setup.optimizer.learning_rate = 0.05;
  for (auto& v : plugins.variants) v->configure(config.setup);
  plugins.sampler->validate(config.setup);
  plugins.strategy->validate(config.setup);
  for (auto& v : plugins.variants) v->validate(config.setup);
  config.steps_per_epoch = 2;
  config.log_every = 0;

  Trainer trainer(config, plugins, synthetic_data(), nullptr);
  Run run;
  trainer.set_message_sink([&run](const std::string& line) { run.messages.push_back(line); });
  trainer.train();
  CHECK(trainer.finished());
  run.history = trainer.history();
  run.phases = trainer.phases();
  return run;
}

void check_finite(const Run& run) {
  REQUIRE_FALSE(run.history.empty());
  for (const auto& r : run.history) {
    INFO("epoch " << r.epoch << " phase " << r.phase);
    CHECK(std::isfinite(r.loss));
    CHECK(r.loss > 0.0);
    CHECK(r.steps == 2);
    CHECK(r.skipped_steps == 0);
  }
}

int count_containing(const std::vector<std::string>& lines, const std::string& part) {
  int n = 0;
  for (const auto& l : lines) n += l.find(part) != std::string::npos ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("Every strategy trains with every sampler for a few steps with finite losses") {
  const auto samplers = registry().names(PluginKind::Sampler);
  const auto strategies = registry().names(PluginKind::Strategy);
  REQUIRE(samplers.size() >= 5u);
  REQUIRE(strategies.size() >= 3u);
  for (const auto& strategy : strategies)
    for (const auto& sampler : samplers) {
      INFO(strategy << " × " << sampler);
      const Run run = train(sampler, strategy);
      check_finite(run);
      int epochs = 0;
      for (const auto& p : run.phases) epochs += p.epochs;
      CHECK(run.history.size() == static_cast<std::size_t>(epochs));
      if (strategy == "few-shot") {
        // One epoch on the whole space, then one on each of the five children,
        // each warm-started from the one-shot network.
        REQUIRE(run.phases.size() == 6u);
        for (std::size_t k = 0; k < run.history.size(); ++k) CHECK(run.history[k].network == static_cast<int>(k));
        CHECK(count_containing(run.messages, "warm start from network 0") == 5);
      } else {
        CHECK(run.history.size() == 2u);
        CHECK(count_containing(run.messages, "warm start") == 0);
      }
    }
}

TEST_CASE("Every variant trains alongside uniform sampling and one-shot with finite losses") {
  const auto variants = registry().names(PluginKind::Variant);
  REQUIRE(variants.size() >= 11u);
  for (const auto& name : variants) {
    INFO(name);
    check_finite(train("uniform", "one-shot", {{name, {}}}));
  }
}

TEST_CASE("All variants together train with finite losses") {
  const std::vector<VariantChoice> all = {
      {"no-topology-sharing", {}},
      {"bn", {{"affine", "false"}, {"track_running_stats", "false"}}},
      {"dropout", {}},
      {"drop-path", {}},
      {"weight-decay", {{"exclude_bn_and_bias", "true"}}},
      {"cutout", {{"length", "4"}}},
      {"mixup", {}},
      {"label-smoothing", {}},
      {"grad-clip", {}},
      {"lr-warmup", {}},
      {"ema", {}},
  };
  REQUIRE(all.size() == registry().names(PluginKind::Variant).size());
  check_finite(train("uniform", "one-shot", all));
  check_finite(train("strict-fair", "few-shot", all));
}

TEST_CASE("Every plugin has a description and documents each option with a default of its type") {
  const auto plugins = registry().list();
  REQUIRE(plugins.size() >= 19u);
  for (const PluginInfo* info : plugins) {
    INFO(info->name);
    CHECK_FALSE(info->description.empty());
    CHECK_FALSE(info->version.empty());
    for (const auto& option : info->options) {
      INFO(option.name);
      CHECK_FALSE(option.doc.empty());
      CHECK_NOTHROW(parse_option_value(option, option.default_yaml));
    }
    CHECK(info->default_options().values().size() == info->options.size());
  }
}

TEST_CASE("spbench plugins shows every plugin's options with their defaults and docs") {
  for (const std::string name : {"few-shot", "linear-transformers", "cutout", "grad-clip"}) {
    std::string out;
    FILE* pipe = ::popen((std::string(SPBENCH_TEST_EXE) + " plugins " + name + " 2>&1").c_str(), "r");
    REQUIRE(pipe != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, pipe)) out += buf;
    ::pclose(pipe);
    INFO(out);
    const PluginInfo* info = registry().find(name);
    REQUIRE(info != nullptr);
    for (const auto& option : info->options) {
      CHECK(out.find(option.name) != std::string::npos);
      CHECK(out.find(option.default_yaml) != std::string::npos);
      CHECK(out.find(option.doc) != std::string::npos);
    }
  }
}
