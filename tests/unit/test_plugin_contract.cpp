// The contract between the core and its plugins as the code keeps it: the
// order in which the trainer calls a variant's hooks and what each hook's
// context holds, the evaluation hooks' pairing under exceptions, and what a
// resume checks before it restores a checkpoint.

#include "catch.hpp"

#include <torch/torch.h>

#include <spbench/engine/evaluation/evaluator.hpp>
#include <spbench/sdk/checkpoint_values.hpp>
#include <spbench/sdk/state_archive.hpp>
#include <spbench/engine/runs/run_directory.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "test_paths.hpp"
#include "tiny_training.hpp"

using namespace spbench;
using spbench::test::identical;
using spbench::test::make_plugin;
using spbench::test::tiny_config;
using spbench::test::tiny_dataset;

namespace {

// Records every hook call with what its context held.
class RecordingVariant final : public TrainingVariant {
 public:
  struct Call {
    std::string hook;
    std::int64_t step = -1;
    double learning_rate = -1.0;
    bool has_networks = false;
    bool has_model = false;
  };
  std::vector<Call> calls;
  std::vector<double> returned_rates;
  double factor = 1.0;  // learning_rate() multiplies the rate by it

  void on_train_begin(TrainingContext& ctx) override { add("on_train_begin", ctx); }
  void on_epoch_begin(TrainingContext& ctx) override { add("on_epoch_begin", ctx); }
  void transform_batch(Batch&, TrainingContext& ctx) override { add("transform_batch", ctx); }
  double learning_rate(double lr, const TrainingContext& ctx) override {
    add("learning_rate", ctx);
    returned_rates.push_back(lr * factor);
    return lr * factor;
  }
  at::Tensor loss(const at::Tensor& l, const at::Tensor&, const Batch&, TrainingContext& ctx) override {
    add("loss", ctx);
    return l;
  }
  void before_optimizer_step(TrainingContext& ctx) override { add("before_optimizer_step", ctx); }
  void after_optimizer_step(TrainingContext& ctx) override { add("after_optimizer_step", ctx); }
  void on_epoch_end(TrainingContext& ctx) override { add("on_epoch_end", ctx); }
  void save_state(torch::serialize::OutputArchive&) const override { saves++; }
  void load_state(torch::serialize::InputArchive&) override { calls.push_back({"load_state"}); }

  mutable int saves = 0;

 private:
  void add(const char* hook, const TrainingContext& ctx) {
    calls.push_back({hook, ctx.step, ctx.learning_rate,
                     ctx.networks != nullptr && !ctx.networks->empty() && ctx.networks->front() != nullptr,
                     ctx.model != nullptr});
  }
};

// A sampler that records begin() among the variant's calls (resume order).
class RecordingSampler final : public PathSampler {
 public:
  explicit RecordingSampler(std::vector<RecordingVariant::Call>* calls) : calls_(calls) {}
  void begin(const SearchSpace&, int) override { calls_->push_back({"sampler.begin"}); }
  std::vector<Path> next_step(Rng&) override { return {Path::shared(CellArch::from_code(1462))}; }
  void load_state(torch::serialize::InputArchive&) override { calls_->push_back({"sampler.load_state"}); }

 private:
  std::vector<RecordingVariant::Call>* calls_;
};

std::vector<std::string> hooks_of(const std::vector<RecordingVariant::Call>& calls) {
  std::vector<std::string> out;
  for (const auto& c : calls) out.push_back(c.hook);
  return out;
}

}  // namespace

TEST_CASE("The trainer calls a variant's hooks in the documented order, with the documented context") {
  PluginRegistry registry;
  auto recorder = std::make_shared<RecordingVariant>();
  Trainer::Plugins p;
  p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "uniform");
  p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
  p.variants = {recorder};
  Trainer t(tiny_config(/*epochs=*/1, /*steps=*/2), p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();

  const std::vector<std::string> step = {"transform_batch", "loss", "learning_rate", "before_optimizer_step",
                                         "after_optimizer_step"};
  std::vector<std::string> expected = {"on_train_begin", "on_epoch_begin"};
  for (int s = 0; s < 2; ++s) expected.insert(expected.end(), step.begin(), step.end());
  expected.push_back("on_epoch_end");
  CHECK(hooks_of(recorder->calls) == expected);

  // on_train_begin sees the networks but no phase (no model, no optimizer).
  const auto& begin = recorder->calls.front();
  CHECK(begin.has_networks);
  CHECK_FALSE(begin.has_model);
  CHECK(begin.learning_rate == 0.0);
  for (std::size_t i = 1; i < recorder->calls.size(); ++i) {
    CHECK(recorder->calls[i].has_networks);
    CHECK(recorder->calls[i].has_model);
  }
}

TEST_CASE("ctx.learning_rate is the coming step's rate: the schedule's before learning_rate(), the used one after") {
  PluginRegistry registry;
  auto recorder = std::make_shared<RecordingVariant>();
  recorder->factor = 0.5;  // so that the scheduled and the used rate differ
  Trainer::Plugins p;
  p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "uniform");
  p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
  p.variants = {recorder};
  TrainerConfig config = tiny_config(/*epochs=*/2, /*steps=*/3);
  Trainer t(config, p, tiny_dataset(), nullptr);
  t.set_message_sink([](const std::string&) {});
  t.train();

  std::size_t step = 0;
  double scheduled = -1.0;
  for (const auto& c : recorder->calls) {
    if (c.hook == "on_epoch_begin") {
      CHECK(c.learning_rate > 0.0);  // the epoch's first step, not 0 or the previous epoch's
      scheduled = c.learning_rate;
    } else if (c.hook == "transform_batch") {
      CHECK(c.learning_rate > 0.0);
      scheduled = c.learning_rate;
    } else if (c.hook == "loss" || c.hook == "learning_rate") {
      CHECK(c.learning_rate == scheduled);
    } else if (c.hook == "before_optimizer_step" || c.hook == "after_optimizer_step") {
      REQUIRE(step < recorder->returned_rates.size());
      CHECK(c.learning_rate == recorder->returned_rates[step]);
      CHECK(c.learning_rate == scheduled * 0.5);
      if (c.hook == "after_optimizer_step") ++step;
    }
  }
  CHECK(step == 6);
  // The first step of the run is at the schedule's start, the full rate.
  CHECK(recorder->calls[2].learning_rate == Approx(config.setup.optimizer.learning_rate));
  // The epoch log keeps the rate the last step used.
  CHECK(t.history().back().learning_rate == recorder->returned_rates.back());
}

TEST_CASE("On resume the phase starts (sampler.begin) before load_state, then on_train_begin") {
  auto dir = spbench::test::scratch_dir("contract-resume-order");
  PluginRegistry registry;
  auto make = [&](std::shared_ptr<RecordingVariant> recorder) {
    Trainer::Plugins p;
    p.sampler = std::make_shared<RecordingSampler>(&recorder->calls);
    p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
    p.variants = {recorder};
    return p;
  };
  {
    RunDirectory run(dir, {});
    auto recorder = std::make_shared<RecordingVariant>();
    Trainer t(tiny_config(2, 1), make(recorder), tiny_dataset(), &run);
    t.set_message_sink([](const std::string&) {});
    t.train(/*stop_after_epochs=*/1);
    CHECK(recorder->saves == 1);
  }
  RunDirectory run(dir, RunDirectoryPolicy{false, true});
  auto recorder = std::make_shared<RecordingVariant>();
  Trainer t(tiny_config(2, 1), make(recorder), tiny_dataset(), &run);
  t.set_message_sink([](const std::string&) {});
  t.train();
  const auto hooks = hooks_of(recorder->calls);
  REQUIRE(hooks.size() >= 4);
  CHECK(std::vector<std::string>(hooks.begin(), hooks.begin() + 4) ==
        std::vector<std::string>{"sampler.begin", "sampler.load_state", "load_state", "on_train_begin"});
}

namespace {

// Swaps a marker in before evaluation and must take it out afterwards.
struct SwappingVariant final : TrainingVariant {
  bool swapped = false;
  int after = 0;
  bool throw_in_before = false;
  void before_evaluation(EvaluationContext&) override {
    if (throw_in_before) throw std::runtime_error("before_evaluation failed");
    swapped = true;
  }
  void after_evaluation(EvaluationContext&) override {
    swapped = false;
    ++after;
  }
};

evaluation::ScoringNetworks scoring_net(std::vector<std::shared_ptr<TrainingVariant>> variants) {
  torch::manual_seed(3);
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  model::Supernet net(model::SupernetOptions(setup, SearchSpace()));
  evaluation::ScoringNetworks n;
  n.networks = {net};
  n.info = {SubSupernet{"supernet", SearchSpace(), true}};
  n.variants = std::move(variants);
  return n;
}

evaluation::EvaluationConfig failing_config() {
  evaluation::EvaluationConfig c;
  c.batches = 1;
  c.batch_size = 16;
  c.progress_every = 1;
  // The progress line after the first architecture throws: an exception
  // between before_evaluation and after_evaluation.
  c.sink = [](const std::string& line) {
    if (line.find("evaluating") != std::string::npos) throw std::runtime_error("sink failed");
  };
  return c;
}

std::vector<CellArch> two_archs() {
  return {CellArch::parse("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|"),
          CellArch::parse("|nor_conv_1x1~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|")};
}

}  // namespace

TEST_CASE("after_evaluation runs even when scoring throws between the paired hooks") {
  auto swapping = std::make_shared<SwappingVariant>();
  const auto valid = tiny_dataset(32, 3);
  evaluation::Evaluator ev(scoring_net({swapping}), valid, nullptr, failing_config());
  CHECK_THROWS_WITH(ev.evaluate(two_archs()), Catch::Contains("sink failed"));
  CHECK_FALSE(swapping->swapped);
  CHECK(swapping->after == 1);
}

TEST_CASE("A variant whose before_evaluation throws gets no after_evaluation; those before it do") {
  auto first = std::make_shared<SwappingVariant>();
  auto failing = std::make_shared<SwappingVariant>();
  auto last = std::make_shared<SwappingVariant>();
  failing->throw_in_before = true;
  const auto valid = tiny_dataset(32, 3);
  evaluation::EvaluationConfig config = failing_config();
  config.sink = [](const std::string&) {};
  evaluation::Evaluator ev(scoring_net({first, failing, last}), valid, nullptr, config);
  CHECK_THROWS_WITH(ev.evaluate(two_archs()), Catch::Contains("before_evaluation failed"));
  CHECK(first->after == 1);
  CHECK_FALSE(first->swapped);
  CHECK(failing->after == 0);
  CHECK(last->after == 0);
}

namespace {

struct NamedRun {
  std::filesystem::path dir;
  PluginRegistry registry;
  explicit NamedRun(const std::string& name) : dir(spbench::test::scratch_dir(name)) {}
  Trainer::Plugins plugins(std::vector<std::string> variants) {
    Trainer::Plugins p;
    p.sampler = make_plugin<PathSampler>(registry, PluginKind::Sampler, "round-robin");
    p.strategy = make_plugin<SupernetStrategy>(registry, PluginKind::Strategy, "one-shot");
    for (const auto& v : variants) p.variants.push_back(make_plugin<TrainingVariant>(registry, PluginKind::Variant, v));
    return p;
  }
  bool started = false;  // later calls resume
  std::vector<at::Tensor> train(std::vector<std::string> variants, int stop_after = 0) {
    RunDirectory run(dir, RunDirectoryPolicy{false, started});
    started = true;
    Trainer t(tiny_config(2, 2), plugins(std::move(variants)), tiny_dataset(), &run);
    t.set_message_sink([](const std::string&) {});
    t.train(stop_after);
    std::vector<at::Tensor> out;
    for (auto& net : t.networks())
      for (auto& p : net->parameters()) out.push_back(p.detach().clone());
    return out;
  }
};

}  // namespace

TEST_CASE("Variant state is matched by name: a resume with the variants reordered restores each one's own state") {
  NamedRun straight("contract-by-name-straight");
  const auto reference = straight.train({"ema", "grad-clip"});
  // ema's state is a moving average that would not load into grad-clip.
  NamedRun interrupted("contract-by-name-resumed");
  interrupted.train({"ema", "grad-clip"}, /*stop_after=*/1);
  // grad-clip is stateless and commutes with ema (it acts before the step,
  // ema after), so the reordered resume ends where the straight run does.
  std::vector<at::Tensor> resumed;
  REQUIRE_NOTHROW(resumed = interrupted.train({"grad-clip", "ema"}));
  CHECK(identical(resumed, reference));
}

TEST_CASE("A resume with other plugins than the checkpoint's is refused, naming the difference") {
  NamedRun run("contract-other-plugins");
  run.train({"ema"}, /*stop_after=*/1);
  CHECK_THROWS_WITH(run.train({"grad-clip"}),
                    Catch::Contains("other plugins") && Catch::Contains("variant ema 1.0.0") &&
                        Catch::Contains("variant grad-clip 1.0.0"));
  CHECK_THROWS_WITH(run.train({}), Catch::Contains("In the checkpoint only:\n  variant ema 1.0.0"));
}

TEST_CASE("A checkpoint of another format is refused with the format numbers") {
  NamedRun run("contract-format");
  run.train({}, /*stop_after=*/1);
  // Rewrite the checkpoint with format 1 (what spbench wrote before names).
  const auto file = run.dir / "checkpoint.pt";
  torch::serialize::InputArchive in;
  in.load_from(file.string());
  torch::serialize::OutputArchive out;
  for (const auto& key : in.keys()) {
    if (key == "format") continue;
    // Only the tensors: the format check comes before anything else is read.
    at::Tensor t;
    if (in.try_read(key, t)) out.write(key, t);
  }
  out.write("format", torch::tensor(std::int64_t{1}));
  out.save_to(file.string());
  CHECK_THROWS_WITH(run.train({}), Catch::Contains("checkpoint format 1, but this spbench reads format 2") &&
                                       Catch::Contains("an older spbench"));
}

namespace {

// docs/writing-a-plugin.md's stateful sampler, verbatim but for the
// registration line (a registered test plugin would appear in every
// registry of this executable).
class CyclicSampler final : public PathSampler {
 public:
  explicit CyclicSampler(const Options& /*options*/) {}

  void begin(const SearchSpace& space, int cells) override {
    space_ = space;
    cells_ = cells;
    step_ = 0;  // every phase starts the cycle again; a resume then loads the saved step
  }

  std::vector<Path> next_step(Rng& /*rng*/) override {
    Path p;
    p.cells.resize(static_cast<std::size_t>(cells_));
    for (std::size_t c = 0; c < p.cells.size(); ++c)
      for (int e = 0; e < kNumEdges; ++e) {
        int count = 0;
        const auto ops = space_.edge_ops(e).members(&count);
        p.cells[c].ops[e] = ops[static_cast<std::size_t>((step_ + e + static_cast<std::int64_t>(c)) % count)];
      }
    ++step_;
    return {p};
  }

  void save_state(torch::serialize::OutputArchive& archive) const override {
    StateWriter(archive).integers("step", {step_});
  }

  void load_state(torch::serialize::InputArchive& archive) override {
    step_ = StateReader(archive).integers("step").at(0);
  }

 private:
  SearchSpace space_;
  int cells_ = 1;
  std::int64_t step_ = 0;
};

}  // namespace

TEST_CASE("The tutorial's stateful sampler survives the in-memory round trip in resume order") {
  auto original = std::make_shared<CyclicSampler>(Options{});
  original->begin(SearchSpace(), 2);
  Rng rng(0);
  for (int i = 0; i < 7; ++i) original->next_step(rng);

  torch::serialize::OutputArchive out;
  original->save_state(out);
  std::ostringstream bytes;
  out.save_to(bytes);

  auto restored = std::make_shared<CyclicSampler>(Options{});
  restored->begin(SearchSpace(), 2);  // as on resume: begin() first, then load_state()
  std::istringstream in_bytes(bytes.str());
  torch::serialize::InputArchive in;
  in.load_from(in_bytes);
  restored->load_state(in);

  Rng a(1), b(1);
  // Compared as a bool: Catch cannot print a vector of CellArch.
  auto same_next = [&](PathSampler& x, PathSampler& y) { return x.next_step(a)[0].cells == y.next_step(b)[0].cells; };
  for (int i = 0; i < 20; ++i) CHECK(same_next(*original, *restored));
  // Without load_state the restored sampler would start the cycle again.
  auto fresh = std::make_shared<CyclicSampler>(Options{});
  fresh->begin(SearchSpace(), 2);
  CHECK_FALSE(same_next(*fresh, *original));
}
