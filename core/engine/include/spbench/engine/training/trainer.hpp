#pragma once
// Weight-sharing training: the strategy's phases, the sampler's paths, the
// variants' hooks, SGD with a cosine schedule, a checkpoint after every epoch
// and bit-identical resumption.
//
// One optimizer step:
//   batch  = training batch (seeded order and augmentation: a function of
//            seed, epoch and batch index)
//   variants.transform_batch(batch)
//   paths  = sampler.next_step(rng)
//   for each path: loss = variants.loss(CE(net(batch, path))); backward
//            (gradients of all paths accumulate: one gradient per path)
//   lr = variants.learning_rate(cosine(t)); variants.before_optimizer_step
//   SGD step; variants.after_optimizer_step
// (the full hook order, with on_train_begin/on_epoch_*, is in
// training_variant.hpp and recorded by test_plugin_contract.cpp).
// Gradients of parameters off the step's paths follow
// training.unsampled_gradients: `zero` (the default, as UniNAS and
// few-shot-NAS train) keeps them as zeros once they exist, so momentum and
// weight decay still move those parameters; `none` resets every gradient to
// undefined before the step, so SGD leaves them untouched.

#include <c10/core/Device.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "spbench/engine/data/dataset.hpp"
#include "spbench/engine/model/supernet.hpp"
#include "spbench/sdk/path_sampler.hpp"
#include "spbench/sdk/random.hpp"
#include "spbench/sdk/run_setup.hpp"
#include "spbench/sdk/supernet_strategy.hpp"
#include "spbench/sdk/training_variant.hpp"

namespace torch::serialize {
class InputArchive;
}

namespace spbench {

class RunDirectory;

struct TrainerConfig {
  RunSetup setup;                      // after the variants' configure()
  std::int64_t steps_per_epoch = 0;    // 0: one pass over the training set
  std::string schedule = "cosine";     // cosine | constant
  bool schedule_per_epoch = false;     // cosine rate changes once per epoch instead of every step
  bool keep_zero_gradients = true;     // unsampled_gradients: zero (true) | none (false)
  std::int64_t log_every = 50;         // steps between plain progress lines (0: none)
  bool skip_nonfinite_loss = false;    // false: stop the run at a NaN/inf loss
  bool augment = true;
  c10::Device device = c10::Device(c10::kCPU);
  std::string precision = "fp32";      // fp32 | bf16 | fp16-amp
  bool channels_last = false;
  bool progress_bar = false;           // a terminal bar instead of plain lines
};

// One line of train-log.jsonl.
struct EpochRecord {
  int phase = 0;
  int network = 0;
  int epoch = 0;        // global
  int phase_epoch = 0;
  std::int64_t steps = 0;
  std::int64_t skipped_steps = 0;  // non-finite losses skipped
  double loss = 0.0;      // mean over the epoch's forward passes
  double accuracy = 0.0;  // % on the training batches (first path of each step)
  double learning_rate = 0.0;  // at the epoch's last step
  double seconds = 0.0;
  double images_per_second = 0.0;  // forward+backward passes × batch / seconds

  std::string to_json() const;
};

// Raised when a loss is NaN or infinite and the run is told to stop.
class NonFiniteLossError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Trainer {
 public:
  struct Plugins {
    std::shared_ptr<PathSampler> sampler;
    std::shared_ptr<SupernetStrategy> strategy;
    std::vector<std::shared_ptr<TrainingVariant>> variants;
  };

  // `run_dir` may be null (no checkpoints, no logs: tests, benchmarks).
  Trainer(TrainerConfig config, Plugins plugins, data::ImageDataset train, RunDirectory* run_dir);
  ~Trainer();

  // Trains all remaining epochs. Resumes from <run_dir>/checkpoint.pt when
  // it exists: the checkpoint's format and the plugins' names and versions
  // must be this run's (std::runtime_error naming the difference otherwise);
  // then the phase under way is started again (the sampler's begin()), and
  // only after that every plugin's load_state() runs, before
  // on_train_begin. `stop_after_epochs` (>0) stops after that many epochs of this
  // call (used by tests to simulate an interruption).
  void train(int stop_after_epochs = 0);

  const std::vector<SubSupernet>& networks_info() const { return partition_; }
  std::vector<model::Supernet>& networks() { return networks_; }
  const std::vector<TrainingPhase>& phases() const { return phases_; }
  const std::vector<EpochRecord>& history() const { return history_; }
  int total_epochs() const;
  int completed_epochs() const { return completed_epochs_; }
  bool finished() const { return completed_epochs_ >= total_epochs(); }
  Rng& rng() { return rng_; }

  // Line sink for progress and messages (default: stderr, plus the run log).
  void set_message_sink(std::function<void(const std::string&)> sink) { sink_ = std::move(sink); }

 private:
  struct PhaseState;
  void build_networks();
  void run_epoch(PhaseState& state);
  void save_checkpoint(const PhaseState* state);
  bool load_checkpoint(std::unique_ptr<PhaseState>& state);
  void check_checkpoint(torch::serialize::InputArchive& archive, const std::string& file) const;
  std::unique_ptr<PhaseState> start_phase(int phase, bool fresh);
  double scheduled_lr(const PhaseState& state, std::int64_t step_in_phase) const;
  // Before each step: zero the existing gradients (unsampled_gradients: zero)
  // or drop them (none).
  void clear_gradients(std::vector<at::Tensor>& parameters) const;
  void message(const std::string& line);

  TrainerConfig config_;
  Plugins plugins_;
  data::ImageDataset train_;
  RunDirectory* run_dir_;
  Rng rng_;
  std::vector<SubSupernet> partition_;
  std::vector<TrainingPhase> phases_;
  std::vector<model::Supernet> networks_;
  std::vector<torch::nn::Module*> network_modules_;  // networks_ as the hooks see them (ctx.networks)
  std::vector<EpochRecord> history_;
  int completed_epochs_ = 0;
  std::function<void(const std::string&)> sink_;
};

}  // namespace spbench
