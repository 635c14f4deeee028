#include "spbench/engine/training/trainer.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <typeinfo>
#include <cmath>
#include <sstream>

#include "spbench/util/atomic_file.hpp"
#include "spbench/sdk/checkpoint_values.hpp"
#include "spbench/engine/data/loader.hpp"
#include "spbench/engine/plugins/plugin_registry.hpp"
#include "spbench/util/progress.hpp"
#include "spbench/engine/runs/run_directory.hpp"
#include "spbench/engine/training/foreach_sgd.hpp"
#include "spbench/engine/training/precision.hpp"
#include "spbench/util/fault_injection.hpp"

namespace spbench {

namespace {

constexpr const char* kCheckpointFile = "checkpoint.pt";
// 2: plugins' names and versions recorded, variant state stored by name.
constexpr std::int64_t kCheckpointFormat = 2;
constexpr const char* kTrainLogFile = "train-log.jsonl";
constexpr double kPi = 3.14159265358979323846;

at::Tensor scalar_i64(std::int64_t v) { return torch::tensor(v, torch::kInt64); }
std::int64_t read_i64(torch::serialize::InputArchive& a, const std::string& key) {
  at::Tensor t;
  a.read(key, t);
  return t.item<std::int64_t>();
}

// Weight decay groups: BN scales/shifts and biases are the parameters with at
// most one dimension.
bool is_bn_or_bias(const at::Tensor& p) { return p.dim() <= 1; }

at::Tensor cross_entropy(const at::Tensor& logits, const Batch& batch) {
  auto z = logits.to(at::kFloat);
  if (batch.soft_targets.defined()) return -(batch.soft_targets * torch::log_softmax(z, 1)).sum(1).mean();
  return torch::nll_loss(torch::log_softmax(z, 1), batch.labels);
}

// A plugin object's name and version, as the checkpoint records them. An
// object not made by a registry (a test's own class) is named by its C++
// type, which is stable within one build.
std::pair<std::string, std::string> identity_of(const std::shared_ptr<const PluginObject>& object) {
  if (const PluginOrigin* origin = plugin_origin(object)) return {origin->name, origin->version};
  return {std::string("(class ") + typeid(*object).name() + ")", ""};
}

// "<kind> <name> <version>" per line: the sampler, the strategy, then the
// variants in list order.
std::string plugin_lines(const Trainer::Plugins& plugins) {
  std::string out;
  auto add = [&out](const char* kind, const std::shared_ptr<const PluginObject>& object) {
    const auto [name, version] = identity_of(object);
    out += fmt::format("{} {} {}\n", kind, name, version);
  };
  add("sampler", plugins.sampler);
  add("strategy", plugins.strategy);
  for (const auto& v : plugins.variants) add("variant", v);
  return out;
}

// The names variant state is stored under: the variants' names, the second
// of two objects of one unregistered class as "<name>#2" (registered
// variants are unique in a spec).
std::vector<std::string> variant_keys(const std::vector<std::shared_ptr<TrainingVariant>>& variants) {
  std::vector<std::string> keys;
  for (const auto& v : variants) {
    const std::string name = identity_of(v).first;
    const auto seen = std::count_if(keys.begin(), keys.end(), [&](const std::string& k) {
      return k == name || k.rfind(name + "#", 0) == 0;
    });
    keys.push_back(seen == 0 ? name : fmt::format("{}#{}", name, seen + 1));
  }
  return keys;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace

std::string EpochRecord::to_json() const {
  nlohmann::json j;
  j["phase"] = phase;
  j["network"] = network;
  j["epoch"] = epoch;
  j["phase_epoch"] = phase_epoch;
  j["steps"] = steps;
  j["skipped_steps"] = skipped_steps;
  j["loss"] = loss;
  j["accuracy"] = accuracy;
  j["learning_rate"] = learning_rate;
  j["seconds"] = seconds;
  j["images_per_second"] = images_per_second;
  return j.dump();
}

// The optimizer, loader and counters of the phase under way.
struct Trainer::PhaseState {
  int phase = 0;
  int phase_epoch = 0;  // epochs of this phase already completed
  std::vector<at::Tensor> parameters;
  std::unique_ptr<torch::optim::SGD> optimizer;
  std::unique_ptr<data::BatchLoader> loader;
  std::int64_t steps_per_epoch = 0;
  std::int64_t batches_per_step = 1;  // the sampler's: >1 gives each path its own batch
};

Trainer::Trainer(TrainerConfig config, Plugins plugins, data::ImageDataset train, RunDirectory* run_dir)
    : config_(std::move(config)),
      plugins_(std::move(plugins)),
      train_(std::move(train)),
      run_dir_(run_dir),
      rng_(config_.setup.seed) {
  if (!plugins_.sampler || !plugins_.strategy) throw std::invalid_argument("a trainer needs a sampler and a strategy");
  if (train_.size() == 0) throw std::invalid_argument("the training set is empty");
  partition_ = plugins_.strategy->partition(config_.setup.space);
  if (partition_.empty()) throw std::runtime_error("the strategy defined no super-network");
  phases_ = plugins_.strategy->schedule(config_.setup.epochs, partition_);
  for (const auto& p : phases_) {
    if (p.network < 0 || p.network >= static_cast<int>(partition_.size()))
      throw std::runtime_error(fmt::format("strategy phase '{}' trains network {} of {}", p.label, p.network,
                                           partition_.size()));
    if (p.epochs < 0) throw std::runtime_error(fmt::format("strategy phase '{}' has {} epochs", p.label, p.epochs));
  }
  build_networks();
}

Trainer::~Trainer() = default;

int Trainer::total_epochs() const {
  int total = 0;
  for (const auto& p : phases_) total += p.epochs;
  return total;
}

void Trainer::message(const std::string& line) {
  if (sink_) {
    sink_(line);
  } else {
    std::fprintf(stderr, "%s\n", line.c_str());
  }
  if (run_dir_) run_dir_->log(line);
}

void Trainer::build_networks() {
  const auto& net = config_.setup.network;
  const model::OperationFactory factory = model::operation_factory_of(plugins_.strategy);
  // Seeded initialisation: the same spec gives the same initial weights.
  torch::manual_seed(config_.setup.seed);
  for (const auto& sub : partition_) {
    model::SupernetOptions options(net, sub.space);
    options.operation_factory(factory);
    model::Supernet supernet(options);
    supernet->to(config_.device);
    if (config_.channels_last) {
      torch::NoGradGuard no_grad;
      for (auto& p : supernet->parameters())
        if (p.dim() == 4) p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
    }
    networks_.push_back(supernet);
    network_modules_.push_back(supernet.ptr().get());
  }
}

std::unique_ptr<Trainer::PhaseState> Trainer::start_phase(int phase, bool fresh) {
  const TrainingPhase& p = phases_.at(static_cast<std::size_t>(phase));
  auto state = std::make_unique<PhaseState>();
  state->phase = phase;
  auto& net = networks_.at(static_cast<std::size_t>(p.network));
  if (fresh && p.warm_start_from) {
    auto& from = networks_.at(static_cast<std::size_t>(*p.warm_start_from));
    net->copy_weights_from(*from, model::WeightCopy::Subset);
    message(fmt::format("phase {} ({}): warm start from network {} ({})", phase, p.label, *p.warm_start_from,
                        partition_[static_cast<std::size_t>(*p.warm_start_from)].name));
  }
  if (fresh) {
    std::vector<torch::nn::Module*> modules;
    for (auto& n : networks_) modules.push_back(n.ptr().get());
    plugins_.strategy->on_phase_begin(p, modules);
  }

  const auto& opt = config_.setup.optimizer;
  state->parameters = net->parameters();
  std::vector<at::Tensor> decayed, undecayed;
  for (const auto& t : state->parameters)
    (opt.weight_decay_on_bn_and_bias || !is_bn_or_bias(t) ? decayed : undecayed).push_back(t);
  auto base = torch::optim::SGDOptions(opt.learning_rate)
                  .momentum(opt.momentum)
                  .nesterov(opt.nesterov && opt.momentum > 0)
                  .weight_decay(opt.weight_decay);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decayed, std::make_unique<torch::optim::SGDOptions>(base));
  if (!undecayed.empty()) {
    auto no_decay = base;
    no_decay.weight_decay(0.0);
    groups.emplace_back(undecayed, std::make_unique<torch::optim::SGDOptions>(no_decay));
  }
  state->optimizer = std::make_unique<torch::optim::SGD>(groups, base);

  data::LoaderOptions lo = data::train_loader_options(config_.setup.batch_size, config_.setup.seed);
  lo.augment = config_.augment;
  lo.drop_last = train_.size() > config_.setup.batch_size;  // equal-sized steps, unless the set is tiny
  lo.device = config_.device;
  if (config_.channels_last) lo.memory_format = at::MemoryFormat::ChannelsLast;
  state->loader = std::make_unique<data::BatchLoader>(train_, lo);
  const int cells = config_.setup.topology_sharing ? 1 : net->num_cells();
  plugins_.sampler->begin(partition_[static_cast<std::size_t>(p.network)].space, cells);
  state->batches_per_step = std::max(1, plugins_.sampler->batches_per_step());
  // One pass over the data per epoch: with a batch per path, a step takes
  // batches_per_step of them.
  state->steps_per_epoch = config_.steps_per_epoch > 0
                               ? config_.steps_per_epoch
                               : std::max<std::int64_t>(1, state->loader->num_batches() / state->batches_per_step);
  return state;
}

double Trainer::scheduled_lr(const PhaseState& state, std::int64_t step_in_phase) const {
  const auto& opt = config_.setup.optimizer;
  if (config_.schedule == "constant") return opt.learning_rate;
  const auto& p = phases_[static_cast<std::size_t>(state.phase)];
  const double total = static_cast<double>(std::max<std::int64_t>(1, p.epochs * state.steps_per_epoch));
  double t = std::min(1.0, static_cast<double>(step_in_phase) / total);
  if (config_.schedule_per_epoch) {
    // PyTorch's CosineAnnealingLR(T_max = epochs) stepped once per epoch, as
    // UniNAS and few-shot-NAS schedule it: epoch e trains at t = e / epochs.
    const std::int64_t epoch = step_in_phase / std::max<std::int64_t>(1, state.steps_per_epoch);
    t = std::min(1.0, static_cast<double>(epoch) / static_cast<double>(std::max(1, p.epochs)));
  }
  return opt.min_learning_rate + (opt.learning_rate - opt.min_learning_rate) * 0.5 * (1.0 + std::cos(kPi * t));
}

void Trainer::clear_gradients(std::vector<at::Tensor>& parameters) const {
  if (config_.keep_zero_gradients) {
    model::zero_gradients(parameters);
  } else {
    model::reset_gradients(parameters);
  }
}

void Trainer::run_epoch(PhaseState& state) {
  const TrainingPhase& phase = phases_[static_cast<std::size_t>(state.phase)];
  auto& net = networks_[static_cast<std::size_t>(phase.network)];
  net->train();

  TrainingContext ctx;
  ctx.phase = state.phase;
  ctx.network = phase.network;
  ctx.epoch = completed_epochs_;
  ctx.total_epochs = total_epochs();
  ctx.phase_epoch = state.phase_epoch;
  ctx.phase_epochs = phase.epochs;
  ctx.steps_per_epoch = state.steps_per_epoch;
  ctx.learning_rate = scheduled_lr(state, state.phase_epoch * state.steps_per_epoch);
  ctx.networks = &network_modules_;
  ctx.model = net.ptr().get();
  ctx.parameters = &state.parameters;
  ctx.rng = &rng_;
  ctx.drop_path = config_.setup.network.drop_path;
  for (auto& v : plugins_.variants) v->on_epoch_begin(ctx);
  if (!(ctx.drop_path >= 0.0 && ctx.drop_path < 1.0))
    throw std::runtime_error(fmt::format("epoch {}: a variant set the drop-path rate to {}, outside [0, 1)",
                                         completed_epochs_ + 1, ctx.drop_path));
  net->set_drop_path(ctx.drop_path);

  EpochRecord rec;
  rec.phase = state.phase;
  rec.network = phase.network;
  rec.epoch = completed_epochs_;
  rec.phase_epoch = state.phase_epoch;

  Progress progress(fmt::format("epoch {}/{} [{}]", completed_epochs_ + 1, total_epochs(), phase.label),
                    state.steps_per_epoch, config_.log_every, config_.progress_bar,
                    [this](const std::string& s) { message(s); });
  const auto start = std::chrono::steady_clock::now();
  double loss_sum = 0.0;
  std::int64_t passes = 0, correct = 0, seen = 0, images = 0;
  const std::int64_t batches = state.loader->num_batches();
  PrecisionGuard precision(config_.precision, config_.device);

  for (std::int64_t i = 0; i < state.steps_per_epoch; ++i) {
    const std::int64_t step_in_phase = state.phase_epoch * state.steps_per_epoch + i;
    ctx.step = step_in_phase;
    // The schedule's rate until the variants' learning_rate hooks adjust it
    // below (computed again there: a hook may have written ctx).
    ctx.learning_rate = scheduled_lr(state, step_in_phase);
    std::vector<Batch> step_batches;
    for (std::int64_t k = 0; k < state.batches_per_step; ++k) {
      // Steps beyond one pass continue into the next permutation: a function
      // of (epoch, pass) keeps it deterministic.
      const std::int64_t index = i * state.batches_per_step + k;
      const std::int64_t data_epoch = static_cast<std::int64_t>(completed_epochs_) * 1000 + index / batches;
      step_batches.push_back(state.loader->batch(data_epoch, index % batches));
      for (auto& v : plugins_.variants) v->transform_batch(step_batches.back(), ctx);
    }

    std::vector<Path> paths = plugins_.sampler->next_step(rng_);
    clear_gradients(state.parameters);
    bool finite = true;
    for (std::size_t k = 0; k < paths.size(); ++k) {
      const Batch& batch = step_batches[k % step_batches.size()];
      at::Tensor logits;
      at::Tensor loss;
      {
        auto autocast = precision.forward_scope();
        logits = net->forward(batch.images, paths[k]);
        loss = cross_entropy(logits, batch);
      }
      for (auto& v : plugins_.variants) loss = v->loss(loss, logits, batch, ctx);
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        finite = false;
        break;
      }
      precision.backward(loss);
      loss_sum += value;
      ++passes;
      images += batch.images.size(0);
      if (k == 0) {
        correct += logits.argmax(1).eq(batch.labels).sum().item<std::int64_t>();
        seen += batch.labels.size(0);
      }
    }
    if (!finite) {
      if (!config_.skip_nonfinite_loss) {
        throw NonFiniteLossError(fmt::format(
            "non-finite loss at epoch {}, step {} (phase '{}'); the run stops here and keeps its last "
            "checkpoint (end of epoch {}). Lower the learning rate, or set training.on_nonfinite_loss: skip",
            completed_epochs_ + 1, i + 1, phase.label, completed_epochs_));
      }
      ++rec.skipped_steps;
      clear_gradients(state.parameters);
      continue;
    }
    double lr = scheduled_lr(state, step_in_phase);
    for (auto& v : plugins_.variants) lr = v->learning_rate(lr, ctx);
    ctx.learning_rate = lr;
    for (auto& group : state.optimizer->param_groups())
      static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
    precision.unscale(state.parameters);
    for (auto& v : plugins_.variants) v->before_optimizer_step(ctx);
    if (precision.step_allowed(state.parameters)) sgd_step_foreach(*state.optimizer);
    for (auto& v : plugins_.variants) v->after_optimizer_step(ctx);
    rec.learning_rate = lr;
    ++rec.steps;
    progress.update(i + 1, fmt::format("loss {:.4f} acc {:.1f}%", passes ? loss_sum / passes : 0.0,
                                       seen ? 100.0 * correct / seen : 0.0));
  }
  clear_gradients(state.parameters);
  rec.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rec.loss = passes ? loss_sum / static_cast<double>(passes) : std::nan("");
  rec.accuracy = seen ? 100.0 * static_cast<double>(correct) / static_cast<double>(seen) : 0.0;
  rec.images_per_second = rec.seconds > 0 ? static_cast<double>(images) / rec.seconds : 0.0;
  progress.finish(fmt::format("loss {:.4f} acc {:.2f}% lr {:.5f} {:.0f} img/s", rec.loss, rec.accuracy,
                              rec.learning_rate, rec.images_per_second));
  for (auto& v : plugins_.variants) v->on_epoch_end(ctx);
  history_.push_back(rec);
  ++state.phase_epoch;
  ++completed_epochs_;
}

void Trainer::save_checkpoint(const PhaseState* state) {
  if (!run_dir_) return;
  torch::serialize::OutputArchive archive;
  archive.write("format", scalar_i64(kCheckpointFormat));
  archive.write("plugins", string_tensor(plugin_lines(plugins_)));
  archive.write("completed_epochs", scalar_i64(completed_epochs_));
  archive.write("phase", scalar_i64(state ? state->phase : static_cast<std::int64_t>(phases_.size())));
  archive.write("phase_epoch", scalar_i64(state ? state->phase_epoch : 0));
  std::ostringstream rng_state;
  rng_state << rng_;
  archive.write("rng", string_tensor(rng_state.str()));
  std::string history;
  for (const auto& r : history_) history += r.to_json() + "\n";
  archive.write("history", string_tensor(history));
  for (std::size_t k = 0; k < networks_.size(); ++k) {
    torch::serialize::OutputArchive sub;
    networks_[k]->save(sub);
    archive.write(fmt::format("network{}", k), sub);
  }
  if (state && state->optimizer) {
    torch::serialize::OutputArchive sub;
    state->optimizer->save(sub);
    archive.write("optimizer", sub);
    // Under unsampled_gradients: zero, a parameter that was ever on a path
    // keeps a zero gradient (decay and momentum move it); which ones do is
    // part of the state a resume must restore.
    std::vector<std::uint8_t> has_grad;
    for (const auto& p : state->parameters) has_grad.push_back(p.grad().defined() ? 1 : 0);
    archive.write("gradients_defined",
                  torch::tensor(std::vector<std::int64_t>(has_grad.begin(), has_grad.end()), torch::kInt64));
  }
  {
    torch::serialize::OutputArchive sub;
    plugins_.sampler->save_state(sub);
    archive.write("sampler", sub);
  }
  {
    torch::serialize::OutputArchive sub;
    plugins_.strategy->save_state(sub);
    archive.write("strategy", sub);
  }
  // Stored in list order with their names, read back by name.
  std::string variant_names;
  const std::vector<std::string> keys = variant_keys(plugins_.variants);
  for (std::size_t k = 0; k < plugins_.variants.size(); ++k) {
    torch::serialize::OutputArchive sub;
    plugins_.variants[k]->save_state(sub);
    archive.write(fmt::format("variant{}", k), sub);
    variant_names += keys[k] + "\n";
  }
  archive.write("variant_names", string_tensor(variant_names));
  // Serialised in memory first: LibTorch's file writer reports a failed
  // write (a full disk) from its destructor, which ends the process; the
  // atomic writer reports it as an error and keeps the previous checkpoint.
  std::ostringstream bytes;
  archive.save_to(bytes);
  write_file_atomic(run_dir_->file(kCheckpointFile), bytes.str());
  fault_point("checkpoint-written");  // SPBENCH_FAULT: a kill between the checkpoint and the log
  // The epoch log is rewritten from the checkpoint's own history, so the
  // two never disagree after a crash between the writes.
  run_dir_->write_text(kTrainLogFile, history);
}

bool Trainer::load_checkpoint(std::unique_ptr<PhaseState>& state) {
  if (!run_dir_) return false;
  const auto file = run_dir_->file(kCheckpointFile);
  if (!std::filesystem::exists(file)) return false;
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(file.string(), config_.device);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("{}: cannot read the checkpoint: {}", file.string(), e.what()));
  }
  check_checkpoint(archive, file.string());
  completed_epochs_ = static_cast<int>(read_i64(archive, "completed_epochs"));
  const int phase = static_cast<int>(read_i64(archive, "phase"));
  const int phase_epoch = static_cast<int>(read_i64(archive, "phase_epoch"));
  at::Tensor rng_tensor, history_tensor;
  archive.read("rng", rng_tensor);
  std::istringstream(tensor_string(rng_tensor)) >> rng_;
  archive.read("history", history_tensor);
  const std::string history = tensor_string(history_tensor);
  history_.clear();
  std::istringstream lines(history);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    EpochRecord r;
    r.phase = j["phase"];
    r.network = j["network"];
    r.epoch = j["epoch"];
    r.phase_epoch = j["phase_epoch"];
    r.steps = j["steps"];
    r.skipped_steps = j["skipped_steps"];
    r.loss = j["loss"];
    r.accuracy = j["accuracy"];
    r.learning_rate = j["learning_rate"];
    r.seconds = j["seconds"];
    r.images_per_second = j["images_per_second"];
    history_.push_back(r);
  }
  // A kill between the checkpoint write and the log write leaves the log one
  // epoch short; the checkpoint's history is the truth, so restore the log now
  // (a run that resumes after its last epoch writes no further checkpoint).
  run_dir_->write_text(kTrainLogFile, history);
  for (std::size_t k = 0; k < networks_.size(); ++k) {
    torch::serialize::InputArchive sub;
    archive.read(fmt::format("network{}", k), sub);
    networks_[k]->load(sub);
  }
  state.reset();
  if (phase < static_cast<int>(phases_.size())) {
    // A checkpoint at a phase boundary (nothing of the phase done yet) starts
    // the phase as an uninterrupted run would: warm start included.
    state = start_phase(phase, /*fresh=*/phase_epoch == 0);
    state->phase_epoch = phase_epoch;
    torch::serialize::InputArchive sub;
    if (archive.try_read("optimizer", sub)) state->optimizer->load(sub);
    at::Tensor has_grad;
    if (archive.try_read("gradients_defined", has_grad) &&
        has_grad.numel() == static_cast<std::int64_t>(state->parameters.size())) {
      for (std::size_t k = 0; k < state->parameters.size(); ++k)
        if (has_grad[static_cast<std::int64_t>(k)].item<std::int64_t>() != 0)
          state->parameters[k].mutable_grad() = torch::zeros_like(state->parameters[k]);
    }
  }
  {
    torch::serialize::InputArchive sub;
    archive.read("sampler", sub);
    plugins_.sampler->load_state(sub);
  }
  {
    torch::serialize::InputArchive sub;
    archive.read("strategy", sub);
    plugins_.strategy->load_state(sub);
  }
  at::Tensor names_tensor;
  archive.read("variant_names", names_tensor);
  const std::vector<std::string> stored = split_lines(tensor_string(names_tensor));
  const std::vector<std::string> keys = variant_keys(plugins_.variants);
  for (std::size_t k = 0; k < plugins_.variants.size(); ++k) {
    const auto found = std::find(stored.begin(), stored.end(), keys[k]);
    if (found == stored.end())  // check_checkpoint() compared the plugins already
      throw std::runtime_error(fmt::format("{}: no state of variant '{}' in the checkpoint", file.string(), keys[k]));
    torch::serialize::InputArchive sub;
    archive.read(fmt::format("variant{}", found - stored.begin()), sub);
    plugins_.variants[k]->load_state(sub);
  }
  message(fmt::format("resumed from {} after epoch {}/{}", file.string(), completed_epochs_, total_epochs()));
  return true;
}

void Trainer::check_checkpoint(torch::serialize::InputArchive& archive, const std::string& file) const {
  const std::int64_t format = read_i64(archive, "format");
  if (format != kCheckpointFormat)
    throw std::runtime_error(fmt::format(
        "{}: checkpoint format {}, but this spbench reads format {}: it was written by {} spbench; finish the run "
        "with that version, or start it over (spbench run --force)",
        file, format, kCheckpointFormat, format < kCheckpointFormat ? "an older" : "a newer"));
  at::Tensor recorded_tensor;
  archive.read("plugins", recorded_tensor);
  const std::vector<std::string> recorded = split_lines(tensor_string(recorded_tensor));
  const std::vector<std::string> current = split_lines(plugin_lines(plugins_));
  // Compared as sets of lines: variant state is matched by name, so only the
  // plugins and their versions must agree.
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  if (sorted(recorded) == sorted(current)) return;
  std::string missing, added;
  for (const auto& line : recorded)
    if (std::find(current.begin(), current.end(), line) == current.end()) missing += "\n  " + line;
  for (const auto& line : current)
    if (std::find(recorded.begin(), recorded.end(), line) == recorded.end()) added += "\n  " + line;
  throw std::runtime_error(fmt::format(
      "{}: the checkpoint was written with other plugins (name or version) than this run uses, so its state "
      "cannot be restored; resume with the plugins it was written with, or start the run over (spbench run "
      "--force).\nIn the checkpoint only:{}\nIn this run only:{}",
      file, missing.empty() ? " (none)" : missing, added.empty() ? " (none)" : added));
}

void Trainer::train(int stop_after_epochs) {
  std::unique_ptr<PhaseState> state;
  load_checkpoint(state);

  TrainingContext begin_ctx;
  begin_ctx.networks = &network_modules_;
  begin_ctx.total_epochs = total_epochs();
  begin_ctx.epoch = completed_epochs_;
  begin_ctx.rng = &rng_;
  for (auto& v : plugins_.variants) v->on_train_begin(begin_ctx);

  int epochs_this_call = 0;
  // Find where we are: the first phase whose epochs are not all done.
  int phase = state ? state->phase : 0;
  if (!state) {
    int done = completed_epochs_;
    phase = 0;
    while (phase < static_cast<int>(phases_.size()) && done >= phases_[static_cast<std::size_t>(phase)].epochs) {
      done -= phases_[static_cast<std::size_t>(phase)].epochs;
      ++phase;
    }
  }
  for (; phase < static_cast<int>(phases_.size()); ++phase) {
    if (!state || state->phase != phase) state = start_phase(phase, /*fresh=*/true);
    const auto& p = phases_[static_cast<std::size_t>(phase)];
    while (state->phase_epoch < p.epochs) {
      if (stop_after_epochs > 0 && epochs_this_call >= stop_after_epochs) return;
      run_epoch(*state);
      ++epochs_this_call;
      const bool phase_done = state->phase_epoch >= p.epochs;
      if (phase_done && phase + 1 < static_cast<int>(phases_.size())) {
        // Record the boundary as "next phase, nothing done yet" so that a
        // resume starts the next phase fresh (warm start included).
        PhaseState boundary;
        boundary.phase = phase + 1;
        save_checkpoint(&boundary);
      } else {
        save_checkpoint(phase_done ? nullptr : state.get());
      }
    }
    state.reset();
  }
}

}  // namespace spbench
