#include "spbench/study/ground_truth/stand_alone.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

#include "spbench/util/atomic_file.hpp"
#include "spbench/engine/data/loader.hpp"
#include "spbench/engine/evaluation/architecture_set.hpp"
#include "spbench/engine/evaluation/evaluator.hpp"
#include "spbench/engine/model/supernet.hpp"
#include "spbench/engine/training/foreach_sgd.hpp"
#include "spbench/sdk/random_seeds.hpp"
#include "spbench/util/hash.hpp"

namespace spbench::ground_truth {

namespace {
// Bump when the procedure changes in a way that changes results.
constexpr int kProcedureVersion = 1;
}  // namespace

StandAloneConfig stand_alone_config_of(const ExperimentSpec& spec, int classes, int input_channels,
                                       c10::Device device) {
  StandAloneConfig c;
  c.network.channels = spec.run.network.channels;
  c.network.cells_per_stage = spec.run.network.cells_per_stage;
  c.network.num_classes = classes;
  c.network.input_channels = input_channels;
  c.epochs = spec.ground_truth.stand_alone.epochs;
  c.batch_size = spec.ground_truth.stand_alone.batch_size;
  c.learning_rate = spec.ground_truth.stand_alone.learning_rate;
  c.momentum = spec.run.optimizer.momentum;
  c.nesterov = spec.run.optimizer.nesterov;
  c.weight_decay = spec.run.optimizer.weight_decay;
  c.augment = spec.data.augment;
  c.seed = spec.seed;
  const auto& d = spec.data;
  c.data = fmt::format("dataset={};root={};split={};train_subset={};valid_subset={};resize={}", setting_name(d.dataset), d.root,
                       d.split, d.train_subset, d.valid_subset, d.resize);
  // Only train-valid reads the fraction; other splits keep their cache keys.
  if (d.split == "train-valid") c.data += fmt::format(";valid_fraction={}", d.valid_fraction);
  c.device = device;
  return c;
}

std::string config_json(const StandAloneConfig& c) {
  nlohmann::json j = {
      {"procedure_version", kProcedureVersion},
      {"data", c.data},
      {"augment", c.augment},
      {"seed", c.seed},
      {"channels", c.network.channels},
      {"cells_per_stage", c.network.cells_per_stage},
      {"num_classes", c.network.num_classes},
      {"input_channels", c.network.input_channels},
      {"epochs", c.epochs},
      {"batch_size", c.batch_size},
      // Doubles as exact text, so that 0.1 and 0.10000000000000002 differ.
      {"learning_rate", fmt::format("{}", c.learning_rate)},
      {"momentum", fmt::format("{}", c.momentum)},
      {"nesterov", c.nesterov},
      {"weight_decay", fmt::format("{}", c.weight_decay)},
  };
  return j.dump();  // nlohmann::json sorts object keys
}

std::string config_hash(const StandAloneConfig& config) { return util::fnv1a64_hex(config_json(config)); }

StandAloneTrainer::StandAloneTrainer(StandAloneConfig config, const data::ImageDataset& train,
                                     const data::ImageDataset& valid, std::filesystem::path cache_root)
    : config_(std::move(config)), train_(train), valid_(valid), cache_root_(std::move(cache_root)),
      hash_(config_hash(config_)) {
  config_.network.bn_affine = true;
  config_.network.bn_track_running_stats = true;
  config_.network.dropout = 0.0;
  config_.network.drop_path = 0.0;
}

std::filesystem::path StandAloneTrainer::cache_dir() const {
  return cache_root_.empty() ? std::filesystem::path() : cache_root_ / hash_;
}

StandAloneResult StandAloneTrainer::get(const CellArch& arch) {
  const int index = nb201_index(arch);
  const auto dir = cache_dir();
  const auto file = dir.empty() ? std::filesystem::path() : dir / fmt::format("{}.json", index);
  if (!file.empty() && std::filesystem::exists(file)) {
    try {
      std::ifstream in(file);
      const auto j = nlohmann::json::parse(in);
      if (j.at("arch").get<std::string>() == arch.to_string() && j.at("config_hash").get<std::string>() == hash_) {
        StandAloneResult r;
        r.arch = arch;
        r.index = index;
        r.accuracy = j.at("accuracy").get<double>();
        r.loss = j.at("loss").get<double>();
        r.seconds = j.at("seconds").get<double>();
        r.trained = j.at("trained").get<bool>();
        r.cached = true;
        return r;
      }
    } catch (const std::exception& e) {
      // A damaged entry is recomputed, not trusted.
      if (sink_) sink_(fmt::format("stand-alone cache: ignoring {}: {}", file.string(), e.what()));
    }
  }
  StandAloneResult r = train(arch);
  if (!file.empty()) {
    std::filesystem::create_directories(dir);
    if (!std::filesystem::exists(dir / "config.json"))
      write_file_atomic(dir / "config.json", nlohmann::json::parse(config_json(config_)).dump(2) + "\n");
    nlohmann::json j = {{"arch", arch.to_string()}, {"index", index},       {"accuracy", r.accuracy},
                        {"loss", r.loss},           {"seconds", r.seconds}, {"trained", r.trained},
                        {"config_hash", hash_}};
    write_file_atomic(file, j.dump(2) + "\n");
  }
  return r;
}

std::vector<StandAloneResult> StandAloneTrainer::get_all(const std::vector<CellArch>& archs) {
  std::vector<StandAloneResult> out;
  for (std::size_t i = 0; i < archs.size(); ++i) {
    out.push_back(get(archs[i]));
    const auto& r = out.back();
    if (sink_)
      sink_(fmt::format("stand-alone {}/{}: #{} {:.2f}% ({})", i + 1, archs.size(), r.index, r.accuracy,
                        r.cached ? "cached" : (r.trained ? fmt::format("trained in {:.1f}s", r.seconds) : "no path: chance")));
  }
  return out;
}

StandAloneResult StandAloneTrainer::train(const CellArch& arch) {
  StandAloneResult r;
  r.arch = arch;
  r.index = nb201_index(arch);
  const int classes = config_.network.num_classes;
  if (!has_input_output_path(arch)) {
    r.accuracy = evaluation::chance_accuracy(classes);
    r.loss = evaluation::chance_loss(classes);
    return r;
  }
  const auto start = std::chrono::steady_clock::now();
  ++trainings_;
  const std::uint64_t seed = mix_seed({config_.seed, static_cast<std::uint64_t>(r.index), 0x5354414EULL});
  torch::manual_seed(seed);
  model::Supernet net = model::make_stand_alone(arch, config_.network);
  net->to(config_.device);
  const Path path = Path::shared(arch);

  data::LoaderOptions lo = data::train_loader_options(config_.batch_size, seed);
  lo.augment = config_.augment;
  lo.device = config_.device;
  data::BatchLoader loader(train_, lo);
  auto params = net->parameters();
  torch::optim::SGD optimizer(params, torch::optim::SGDOptions(config_.learning_rate)
                                          .momentum(config_.momentum)
                                          .nesterov(config_.nesterov && config_.momentum > 0)
                                          .weight_decay(config_.weight_decay));
  const std::int64_t steps_per_epoch = loader.num_batches();
  const std::int64_t total = steps_per_epoch * config_.epochs;
  std::int64_t step = 0;
  net->train();
  for (int epoch = 0; epoch < config_.epochs; ++epoch) {
    for (std::int64_t i = 0; i < steps_per_epoch; ++i, ++step) {
      const double lr = 0.5 * config_.learning_rate * (1.0 + std::cos(M_PI * static_cast<double>(step) / total));
      for (auto& group : optimizer.param_groups())
        static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
      Batch b = loader.batch(epoch, i);
      model::reset_gradients(params);
      at::Tensor loss = at::cross_entropy_loss(net->forward(b.images, path), b.labels);
      loss.backward();
      sgd_step_foreach(optimizer);
    }
  }

  torch::NoGradGuard no_grad;
  net->eval();
  data::LoaderOptions eo = data::eval_loader_options(256);
  eo.device = config_.device;
  data::BatchLoader valid(valid_, eo);
  double loss_sum = 0;
  std::int64_t correct = 0, images = 0;
  for (std::int64_t i = 0; i < valid.num_batches(); ++i) {
    Batch b = valid.batch(0, i);
    at::Tensor logits = net->forward(b.images, path);
    loss_sum += at::cross_entropy_loss(logits, b.labels, {}, at::Reduction::Sum).item<double>();
    correct += logits.argmax(1).eq(b.labels).sum().item<std::int64_t>();
    images += b.images.size(0);
  }
  r.accuracy = 100.0 * static_cast<double>(correct) / static_cast<double>(images);
  r.loss = loss_sum / static_cast<double>(images);
  r.trained = true;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

std::vector<CellArch> stand_alone_sample(const SearchSpace& space, std::int64_t k, std::uint64_t seed,
                                         const NetworkShape& shape) {
  const std::vector<CellArch> members = space.enumerate();
  std::vector<double> params;
  params.reserve(members.size());
  for (const auto& a : members) params.push_back(static_cast<double>(architecture_cost(a, shape).params));
  return evaluation::stratified_sample(members, params, k, seed);
}

}  // namespace spbench::ground_truth
