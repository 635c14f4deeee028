// Turning the merged spec tree into a typed ExperimentSpec, collecting every
// problem on the way (a bad value is reported and replaced by its default so
// that checking continues).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>

#include "spbench/datasets.hpp"
#include "spbench/plugin_registry.hpp"
#include "spbench/spec/spec.hpp"

namespace spbench {

namespace fs = std::filesystem;

namespace {

// Every key the schema knows, by section. One table, so that unknown-key
// checks and "belongs under …" hints cannot drift apart.
const std::map<std::string, std::vector<std::string>>& schema_sections() {
  static const std::map<std::string, std::vector<std::string>> sections = {
      {"",
       {"name", "seed", "device", "precision", "channels_last", "threads", "plugin_paths", "search_space", "supernet",
        "data", "training", "sampler", "strategy", "variants", "evaluation", "ground_truth", "output"}},
      {"search_space", {"ops"}},
      {"supernet", {"channels", "cells_per_stage", "bn", "topology_sharing"}},
      {"supernet.bn", {"affine", "track_running_stats"}},
      {"data", {"dataset", "root", "split", "train_subset", "valid_subset", "resize", "augment"}},
      {"training",
       {"epochs", "batch_size", "steps_per_epoch", "learning_rate", "min_learning_rate", "momentum", "nesterov",
        "weight_decay", "weight_decay_on_bn_and_bias", "schedule", "log_every", "on_nonfinite_loss"}},
      {"evaluation", {"architectures", "bn", "batches", "batch_size"}},
      {"evaluation.architectures", {"sample", "stratified", "list", "top"}},
      {"evaluation.bn", {"recalibrate"}},
      {"ground_truth", {"source", "file", "column", "join", "stand_alone"}},
      {"ground_truth.stand_alone", {"epochs", "batch_size", "learning_rate", "architectures"}},
      {"output", {"dir", "checkpoint_every_epoch"}},
      {"plugin", {"name", "options"}},
  };
  return sections;
}

std::string kind_noun(PluginKind kind) {
  switch (kind) {
    case PluginKind::Sampler: return "sampler";
    case PluginKind::Strategy: return "strategy";
    case PluginKind::Variant: return "variant";
  }
  return "plugin";
}

std::string kind_plural(PluginKind kind) { return kind == PluginKind::Strategy ? "strategies" : kind_noun(kind) + "s"; }

std::string join_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

bool parse_int(const std::string& text, std::int64_t& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, out);
  return ec == std::errc() && ptr == end && begin != end;
}

bool parse_float(const std::string& text, double& out) {
  if (text.empty()) return false;
  // Only plain decimal notation: no hex, no nan/inf, which are never meant.
  if (text.find_first_not_of("0123456789+-.eE") != std::string::npos) return false;
  const char* begin = text.c_str();
  char* end = nullptr;
  out = std::strtod(begin, &end);
  return end == begin + text.size() && std::isfinite(out);
}

bool parse_bool(const std::string& text, bool& out) {
  static const std::set<std::string> yes = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static const std::set<std::string> no = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  if (yes.count(text)) return out = true, true;
  if (no.count(text)) return out = false, true;
  return false;
}

std::string quoted_list(const std::vector<std::string>& values) { return fmt::format("{}", fmt::join(values, ", ")); }

// "a number > 0", "a number in [0, 1)" and the check that goes with it.
struct FloatRange {
  std::optional<double> low;
  bool low_open = false;
  std::optional<double> high;
  bool high_open = false;

  bool contains(double v) const {
    if (low && (low_open ? v <= *low : v < *low)) return false;
    if (high && (high_open ? v >= *high : v > *high)) return false;
    return true;
  }
  std::string describe() const {
    if (low && high)
      return fmt::format("a number in {}{}, {}{}", low_open ? "(" : "[", *low, *high, high_open ? ")" : "]");
    if (low) return fmt::format("a number {} {}", low_open ? ">" : ">=", *low);
    return "a number";
  }
};

FloatRange at_least(double v) { return FloatRange{v, false, std::nullopt, false}; }
FloatRange above(double v) { return FloatRange{v, true, std::nullopt, false}; }

class Validator {
 public:
  Validator(const LoadedSpec& loaded, const PluginCatalog& plugins, std::vector<Diagnostic>& diagnostics,
            ExperimentSpec& spec)
      : loaded_(loaded), plugins_(plugins), diagnostics_(diagnostics), spec_(spec) {}

  void run();

 private:
  // --- reporting -----------------------------------------------------------
  void error(const SourceLocation& location, const std::string& path, std::string message, std::string hint = {}) {
    diagnostics_.push_back(Diagnostic{location, path, std::move(message), std::move(hint)});
  }
  void record(const std::string& path, const SpecNode* node) {
    if (node) spec_.locations[path] = node->location;
  }

  // --- sections ------------------------------------------------------------
  // The map at `path`, or nullptr when absent/null (defaults apply). Reports
  // a non-map and every unknown key.
  const SpecNode* section(const SpecNode* node, const std::string& path, const std::string& schema_key) {
    if (!node || node->is_null()) return nullptr;
    if (!node->is_map()) {
      error(node->location, path, fmt::format("expected a map, got {}", node->describe()));
      return nullptr;
    }
    check_keys(*node, path, schema_sections().at(schema_key));
    return node;
  }
  const SpecNode* section(const SpecNode* parent, const std::string& key, const std::string& path,
                          const std::string& schema_key) {
    const SpecNode* node = parent ? parent->find(key) : nullptr;
    record(path, node);
    return section(node, path, schema_key);
  }

  void check_keys(const SpecNode& map, const std::string& path, const std::vector<std::string>& known) {
    for (const auto& child : map.children) {
      if (std::find(known.begin(), known.end(), child.key) != known.end()) continue;
      const std::string key_path = join_path(path, child.key);
      std::string hint;
      if (std::string close = closest_match(child.key, known); !close.empty()) {
        hint = fmt::format("did you mean '{}'?", close);
      } else if (std::string home = home_of(child.key, path); !home.empty()) {
        hint = fmt::format("'{}' belongs under {}", child.key, home);
      } else if (path.empty() && child.key == "include") {
        hint = "includes are read from spec files only, not from --set";
      } else {
        hint = fmt::format("expected one of: {}", quoted_list(known));
      }
      error(child.key_location, key_path, "unknown key", hint);
    }
  }

  // The schema sections (other than `path`) that have `key`, as
  // "'training' or 'ground_truth.stand_alone'"; empty when none has.
  static std::string home_of(const std::string& key, const std::string& path) {
    std::vector<std::string> found;
    for (const auto& [section_path, keys] : schema_sections()) {
      if (section_path == path || section_path == "plugin") continue;
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) continue;
      found.push_back(section_path.empty() ? "the top level" : "'" + section_path + "'");
    }
    return fmt::format("{}", fmt::join(found, " or "));
  }

  // --- scalars -------------------------------------------------------------
  // The scalar at `key`, or nullptr (absent: default). Reports non-scalars.
  const SpecNode* scalar(const SpecNode* map, const std::string& key, const std::string& path,
                         const std::string& expected) {
    const SpecNode* node = map ? map->find(key) : nullptr;
    if (!node) return nullptr;
    record(path, node);
    if (!node->is_scalar()) {
      error(node->location, path, fmt::format("expected {}, got {}", expected, node->describe()));
      return nullptr;
    }
    return node;
  }

  std::int64_t integer(const SpecNode* map, const std::string& key, const std::string& path, std::int64_t fallback,
                       std::int64_t min, std::int64_t max = INT_MAX) {
    const std::string expected = max == INT_MAX || max == INT64_MAX
                                     ? fmt::format("an integer >= {}", min)
                                     : fmt::format("an integer between {} and {}", min, max);
    const SpecNode* node = scalar(map, key, path, expected);
    if (!node) return fallback;
    std::int64_t value = 0;
    if (!parse_int(node->scalar, value) || value < min || value > max) {
      error(node->location, path, fmt::format("expected {}, got '{}'", expected, node->scalar));
      return fallback;
    }
    return value;
  }

  double number(const SpecNode* map, const std::string& key, const std::string& path, double fallback,
                const FloatRange& range) {
    const SpecNode* node = scalar(map, key, path, range.describe());
    if (!node) return fallback;
    double value = 0;
    if (!parse_float(node->scalar, value) || !range.contains(value)) {
      error(node->location, path, fmt::format("expected {}, got '{}'", range.describe(), node->scalar));
      return fallback;
    }
    return value;
  }

  bool boolean(const SpecNode* map, const std::string& key, const std::string& path, bool fallback) {
    const SpecNode* node = scalar(map, key, path, "true or false");
    if (!node) return fallback;
    bool value = false;
    if (!parse_bool(node->scalar, value)) {
      error(node->location, path, fmt::format("expected true or false, got '{}'", node->scalar));
      return fallback;
    }
    return value;
  }

  std::string string(const SpecNode* map, const std::string& key, const std::string& path, std::string fallback,
                     bool allow_empty = false) {
    const SpecNode* node = scalar(map, key, path, "a string");
    if (!node) return fallback;
    if (!allow_empty && node->scalar.empty()) {
      error(node->location, path, "expected a non-empty string, got ''");
      return fallback;
    }
    return node->scalar;
  }

  std::string choice(const SpecNode* map, const std::string& key, const std::string& path, std::string fallback,
                     const std::vector<std::string>& choices) {
    const std::string expected = "one of " + quoted_list(choices);
    const SpecNode* node = scalar(map, key, path, expected);
    if (!node) return fallback;
    if (std::find(choices.begin(), choices.end(), node->scalar) == choices.end()) {
      std::string close = closest_match(node->scalar, choices);
      error(node->location, path, fmt::format("expected {}, got '{}'", expected, node->scalar),
            close.empty() ? "" : fmt::format("did you mean '{}'?", close));
      return fallback;
    }
    return node->scalar;
  }

  // --- sections of the schema ------------------------------------------------
  void top_level(const SpecNode* root);
  void search_space(const SpecNode* root);
  void supernet(const SpecNode* root);
  void data(const SpecNode* root);
  void training(const SpecNode* root);
  void evaluation(const SpecNode* root);
  void ground_truth(const SpecNode* root);
  void output(const SpecNode* root);
  void cross_checks();

  // --- plugins ---------------------------------------------------------------
  PluginSelection plugin(const SpecNode* node, const std::string& path, PluginKind kind, const std::string& fallback);
  std::optional<OptionValue> option_value(const OptionInfo& option, const SpecNode& node, const std::string& path);

  const LoadedSpec& loaded_;
  const PluginCatalog& plugins_;
  std::vector<Diagnostic>& diagnostics_;
  ExperimentSpec& spec_;
};

void Validator::run() {
  const SpecNode* root = section(&loaded_.root, "", "");
  top_level(root);
  search_space(root);
  supernet(root);
  data(root);
  training(root);

  spec_.sampler = plugin(root ? root->find("sampler") : nullptr, "sampler", PluginKind::Sampler, "uniform");
  spec_.strategy = plugin(root ? root->find("strategy") : nullptr, "strategy", PluginKind::Strategy, "one-shot");
  if (const SpecNode* variants = root ? root->find("variants") : nullptr) {
    record("variants", variants);
    if (variants->is_sequence()) {
      std::map<std::string, std::size_t> seen;
      for (std::size_t i = 0; i < variants->children.size(); ++i) {
        const std::string path = fmt::format("variants[{}]", i);
        PluginSelection selection = plugin(&variants->children[i], path, PluginKind::Variant, "");
        if (selection.name.empty()) continue;
        if (auto [it, fresh] = seen.emplace(selection.name, i); !fresh) {
          error(variants->children[i].location, path,
                fmt::format("variant '{}' is already listed as variants[{}]", selection.name, it->second),
                "list each variant once; merge their options");
          continue;
        }
        spec_.variants.push_back(std::move(selection));
      }
    } else if (!variants->is_null()) {
      error(variants->location, "variants",
            fmt::format("expected a list of variants (names or {{name, options}} maps), got {}",
                        variants->describe()));
    }
  }

  evaluation(root);
  ground_truth(root);
  output(root);
  cross_checks();
}

void Validator::top_level(const SpecNode* root) {
  spec_.spec_file = loaded_.file;
  spec_.name = string(root, "name", "name", loaded_.file.stem().string());
  if (const SpecNode* node = root ? root->find("name") : nullptr; node && node->is_scalar()) {
    const std::string& n = node->scalar;
    if (n == "." || n == ".." || n.find_first_of("/\\") != std::string::npos || n.find('\0') != std::string::npos ||
        (!n.empty() && (std::isspace(static_cast<unsigned char>(n.front())) ||
                        std::isspace(static_cast<unsigned char>(n.back()))))) {
      error(node->location, "name",
            fmt::format("expected a name usable as a folder name (no '/', not '.' or '..', no surrounding "
                        "spaces), got '{}'",
                        n));
      spec_.name = loaded_.file.stem().string();
    }
  }
  spec_.seed = static_cast<std::uint64_t>(integer(root, "seed", "seed", 0, 0, INT64_MAX));

  spec_.device = "auto";
  if (const SpecNode* node = scalar(root, "device", "device", "auto, cpu, cuda or cuda:N")) {
    const std::string& d = node->scalar;
    std::int64_t index = 0;
    const bool ok = d == "auto" || d == "cpu" || d == "cuda" ||
                    (d.rfind("cuda:", 0) == 0 && d.size() > 5 && parse_int(d.substr(5), index) && index >= 0 &&
                     d[5] != '+');
    if (ok) {
      spec_.device = d;
    } else {
      std::string close = closest_match(d, {"auto", "cpu", "cuda"});
      error(node->location, "device", fmt::format("expected auto, cpu, cuda or cuda:N, got '{}'", d),
            close.empty() ? "" : fmt::format("did you mean '{}'?", close));
    }
  }
  spec_.precision = choice(root, "precision", "precision", "fp32", {"fp32", "bf16", "fp16-amp"});
  spec_.channels_last = boolean(root, "channels_last", "channels_last", false);
  spec_.threads = static_cast<int>(integer(root, "threads", "threads", 0, 0));

  if (const SpecNode* paths = root ? root->find("plugin_paths") : nullptr) {
    record("plugin_paths", paths);
    if (paths->is_sequence()) {
      for (std::size_t i = 0; i < paths->children.size(); ++i) {
        const SpecNode& item = paths->children[i];
        const std::string path = fmt::format("plugin_paths[{}]", i);
        record(path, &item);
        if (!item.is_scalar() || item.scalar.empty()) {
          error(item.location, path, fmt::format("expected a folder name, got {}", item.describe()));
          continue;
        }
        std::error_code ec;
        if (!fs::is_directory(item.scalar, ec)) {
          error(item.location, path, fmt::format("the plugin folder '{}' does not exist", item.scalar));
          continue;
        }
        spec_.plugin_paths.emplace_back(item.scalar);
      }
    } else if (!paths->is_null()) {
      error(paths->location, "plugin_paths", fmt::format("expected a list of folders, got {}", paths->describe()));
    }
  }
}

void Validator::search_space(const SpecNode* root) {
  const SpecNode* space = section(root, "search_space", "search_space", "search_space");
  spec_.ops = OpSet::all();
  const SpecNode* ops = space ? space->find("ops") : nullptr;
  if (ops) {
    record("search_space.ops", ops);
    std::vector<std::string> all_names;
    for (Op op : kAllOps) all_names.emplace_back(op_name(op));
    if (!ops->is_sequence() || ops->children.empty()) {
      error(ops->location, "search_space.ops",
            fmt::format("expected a non-empty list of operations (from {}), got {}", quoted_list(all_names),
                        ops->is_sequence() ? "an empty list" : ops->describe()));
    } else {
      OpSet set;
      bool ok = true;
      for (std::size_t i = 0; i < ops->children.size(); ++i) {
        const SpecNode& item = ops->children[i];
        const std::string path = fmt::format("search_space.ops[{}]", i);
        std::optional<Op> op = item.is_scalar() ? op_from_name(item.scalar) : std::nullopt;
        if (!op) {
          std::string close = item.is_scalar() ? closest_match(item.scalar, all_names) : "";
          error(item.location, path,
                fmt::format("expected an operation ({}), got {}", quoted_list(all_names), item.describe()),
                close.empty() ? "" : fmt::format("did you mean '{}'?", close));
          ok = false;
          continue;
        }
        if (set.contains(*op)) {
          error(item.location, path, fmt::format("'{}' is listed twice", item.scalar));
          ok = false;
          continue;
        }
        set = set.with(*op);
      }
      if (ok) spec_.ops = set;
    }
  }
  spec_.run.space = SearchSpace(spec_.ops);
}

void Validator::supernet(const SpecNode* root) {
  const SpecNode* net = section(root, "supernet", "supernet", "supernet");
  NetworkSetup& n = spec_.run.network;
  n.channels = static_cast<int>(integer(net, "channels", "supernet.channels", 16, 1));
  n.cells_per_stage = static_cast<int>(integer(net, "cells_per_stage", "supernet.cells_per_stage", 5, 1));
  const SpecNode* bn = section(net, "bn", "supernet.bn", "supernet.bn");
  n.bn_affine = boolean(bn, "affine", "supernet.bn.affine", true);
  n.bn_track_running_stats = boolean(bn, "track_running_stats", "supernet.bn.track_running_stats", true);
  spec_.run.topology_sharing = boolean(net, "topology_sharing", "supernet.topology_sharing", true);
}

void Validator::data(const SpecNode* root) {
  const SpecNode* d = section(root, "data", "data", "data");
  DataSpec& out = spec_.data;
  out.dataset = choice(d, "dataset", "data.dataset", "cifar10", readable_dataset_names());
  out.root = string(d, "root", "data.root", out.dataset);
  // NAS-Bench-201's own splits exist for CIFAR-10 only.
  const std::string default_split = out.dataset == "cifar10" ? "cifar10-valid" : "train-valid";
  out.split = choice(d, "split", "data.split", default_split, {"cifar10-valid", "cifar10", "train-valid", "train-test"});
  if (out.dataset != "cifar10" && (out.split == "cifar10-valid" || out.split == "cifar10")) {
    const SpecNode* node = d ? d->find("split") : nullptr;
    error(node ? node->location : spec_.location_of("data"), "data.split",
          fmt::format("split '{}' exists for dataset cifar10 only, but data.dataset is '{}'", out.split, out.dataset),
          "use train-valid or train-test");
  }
  out.train_subset = integer(d, "train_subset", "data.train_subset", 0, 0, INT64_MAX);
  out.valid_subset = integer(d, "valid_subset", "data.valid_subset", 0, 0, INT64_MAX);
  out.resize = static_cast<int>(integer(d, "resize", "data.resize", 0, 0));
  out.augment = boolean(d, "augment", "data.augment", true);
  spec_.run.network.num_classes = dataset_num_classes(out.dataset);
  spec_.run.network.input_channels = dataset_input_channels(out.dataset);
}

void Validator::training(const SpecNode* root) {
  const SpecNode* t = section(root, "training", "training", "training");
  spec_.run.epochs = static_cast<int>(integer(t, "epochs", "training.epochs", 1, 1));
  spec_.run.batch_size = static_cast<int>(integer(t, "batch_size", "training.batch_size", 64, 1));
  spec_.run.seed = spec_.seed;
  TrainingExtras& x = spec_.training;
  x.steps_per_epoch = integer(t, "steps_per_epoch", "training.steps_per_epoch", 0, 0, INT64_MAX);
  OptimizerSetup& o = spec_.run.optimizer;
  o.learning_rate = number(t, "learning_rate", "training.learning_rate", 0.025, above(0));
  o.min_learning_rate = number(t, "min_learning_rate", "training.min_learning_rate", 0.0, at_least(0));
  o.momentum = number(t, "momentum", "training.momentum", 0.9, FloatRange{0.0, false, 1.0, true});
  o.nesterov = boolean(t, "nesterov", "training.nesterov", true);
  o.weight_decay = number(t, "weight_decay", "training.weight_decay", 5e-4, at_least(0));
  o.weight_decay_on_bn_and_bias =
      boolean(t, "weight_decay_on_bn_and_bias", "training.weight_decay_on_bn_and_bias", true);
  x.schedule = choice(t, "schedule", "training.schedule", "cosine", {"cosine", "constant"});
  x.log_every = integer(t, "log_every", "training.log_every", 50, 0, INT64_MAX);
  x.on_nonfinite_loss = choice(t, "on_nonfinite_loss", "training.on_nonfinite_loss", "stop", {"stop", "skip"});
}

void Validator::evaluation(const SpecNode* root) {
  const SpecNode* e = section(root, "evaluation", "evaluation", "evaluation");
  EvaluationSpec& out = spec_.evaluation;

  if (const SpecNode* a = e ? e->find("architectures") : nullptr) {
    const std::string path = "evaluation.architectures";
    const std::string expected = "all, unique, {sample: K, stratified: BOOL}, {list: FILE} or {top: K}";
    record(path, a);
    if (a->is_scalar()) {
      if (a->scalar == "all") {
        out.architectures.kind = ArchitectureSelection::Kind::All;
      } else if (a->scalar == "unique") {
        out.architectures.kind = ArchitectureSelection::Kind::Unique;
      } else {
        std::string close = closest_match(a->scalar, {"all", "unique", "sample", "list", "top"});
        error(a->location, path, fmt::format("expected {}, got '{}'", expected, a->scalar),
              close.empty() ? "" : fmt::format("did you mean '{}'?", close));
      }
    } else if (const SpecNode* m = section(a, path, "evaluation.architectures")) {
      const SpecNode* sample = m->find("sample");
      const SpecNode* list = m->find("list");
      const SpecNode* top = m->find("top");
      const int given = (sample != nullptr) + (list != nullptr) + (top != nullptr);
      if (given != 1) {
        error(m->location, path,
              given == 0 ? fmt::format("expected one of sample, list or top in the map")
                         : fmt::format("expected only one of sample, list or top, got {}", given));
      } else if (sample) {
        out.architectures.kind = ArchitectureSelection::Kind::Sample;
        out.architectures.count = integer(m, "sample", path + ".sample", 0, 1, INT64_MAX);
      } else if (top) {
        out.architectures.kind = ArchitectureSelection::Kind::Top;
        out.architectures.count = integer(m, "top", path + ".top", 0, 1, INT64_MAX);
      } else {
        out.architectures.kind = ArchitectureSelection::Kind::List;
        out.architectures.file = string(m, "list", path + ".list", "");
        std::error_code ec;
        if (!out.architectures.file.empty() && !fs::is_regular_file(out.architectures.file, ec))
          error(list->location, path + ".list",
                fmt::format("the architecture list '{}' does not exist", out.architectures.file));
      }
      out.architectures.stratified = boolean(m, "stratified", path + ".stratified", false);
      if (const SpecNode* s = m->find("stratified"); s && !sample)
        error(s->key_location, path + ".stratified", "stratified applies to {sample: K} only");
    }
  }

  if (const SpecNode* bn = e ? e->find("bn") : nullptr) {
    const std::string path = "evaluation.bn";
    record(path, bn);
    if (bn->is_scalar()) {
      if (bn->scalar == "running") {
        out.bn = EvaluationSpec::BnMode::Running;
      } else if (bn->scalar == "batch") {
        out.bn = EvaluationSpec::BnMode::Batch;
      } else {
        std::string close = closest_match(bn->scalar, {"running", "batch", "recalibrate"});
        error(bn->location, path, fmt::format("expected running, batch or {{recalibrate: R}}, got '{}'", bn->scalar),
              close.empty() ? "" : fmt::format("did you mean '{}'?", close));
      }
    } else if (const SpecNode* m = section(bn, path, "evaluation.bn")) {
      if (!m->find("recalibrate")) {
        error(m->location, path, "expected {recalibrate: R} (R batches to re-estimate BN statistics)");
      } else {
        out.bn = EvaluationSpec::BnMode::Recalibrate;
        out.recalibrate_batches = integer(m, "recalibrate", path + ".recalibrate", 1, 1, INT64_MAX);
      }
    }
  }
  out.batches = integer(e, "batches", "evaluation.batches", 10, 0, INT64_MAX);
  out.batch_size = static_cast<int>(integer(e, "batch_size", "evaluation.batch_size", 256, 1));
}

void Validator::ground_truth(const SpecNode* root) {
  const SpecNode* g = section(root, "ground_truth", "ground_truth", "ground_truth");
  GroundTruthSpec& out = spec_.ground_truth;
  out.source = choice(g, "source", "ground_truth.source", "csv", {"csv", "stand-alone", "none"});
  out.file = string(g, "file", "ground_truth.file", "nb201/nb201.csv");
  out.column = string(g, "column", "ground_truth.column", "cifar10_test_acc");
  out.join = choice(g, "join", "ground_truth.join", "arch", {"arch", "index"});
  const SpecNode* s = section(g, "stand_alone", "ground_truth.stand_alone", "ground_truth.stand_alone");
  StandAloneSpec& sa = out.stand_alone;
  sa.epochs = static_cast<int>(integer(s, "epochs", "ground_truth.stand_alone.epochs", 1, 1));
  sa.batch_size = static_cast<int>(integer(s, "batch_size", "ground_truth.stand_alone.batch_size", 64, 1));
  sa.learning_rate = number(s, "learning_rate", "ground_truth.stand_alone.learning_rate", 0.1, above(0));
  sa.architectures = integer(s, "architectures", "ground_truth.stand_alone.architectures", 20, 1, INT64_MAX);
}

void Validator::output(const SpecNode* root) {
  const SpecNode* o = section(root, "output", "output", "output");
  spec_.output.dir = string(o, "dir", "output.dir", "runs");
  spec_.output.checkpoint_every_epoch = boolean(o, "checkpoint_every_epoch", "output.checkpoint_every_epoch", true);
}

// Settings that are each fine alone but contradict one another.
void Validator::cross_checks() {
  const OptimizerSetup& o = spec_.run.optimizer;
  if (o.min_learning_rate > o.learning_rate && spec_.locations.count("training.min_learning_rate"))
    error(spec_.location_of("training.min_learning_rate"), "training.min_learning_rate",
          fmt::format("expected a value <= training.learning_rate ({}), got {}", o.learning_rate,
                      o.min_learning_rate));
  if (o.nesterov && o.momentum == 0.0)
    error(spec_.location_of(spec_.locations.count("training.nesterov") ? "training.nesterov" : "training.momentum"),
          "training.nesterov", "Nesterov momentum needs training.momentum > 0",
          "set nesterov: false, or a momentum such as 0.9");
  if (spec_.evaluation.bn == EvaluationSpec::BnMode::Running && !spec_.run.network.bn_track_running_stats)
    error(spec_.location_of(spec_.locations.count("evaluation.bn") ? "evaluation.bn"
                                                                   : "supernet.bn.track_running_stats"),
          "evaluation.bn", "'running' needs running statistics, but supernet.bn.track_running_stats is false",
          "use bn: batch or bn: {recalibrate: R}");
  if (spec_.evaluation.architectures.kind == ArchitectureSelection::Kind::Top && spec_.ground_truth.source == "none")
    error(spec_.location_of("evaluation.architectures"), "evaluation.architectures",
          "{top: K} ranks architectures by ground truth, but ground_truth.source is none");
}

PluginSelection Validator::plugin(const SpecNode* node, const std::string& path, PluginKind kind,
                                  const std::string& fallback) {
  PluginSelection selection;
  selection.location = node ? node->location : SourceLocation{loaded_.file.string(), 0, 0};
  const SpecNode* name_node = nullptr;
  const SpecNode* options = nullptr;
  if (!node || node->is_null()) {
    if (fallback.empty()) {
      if (node) error(node->location, path, fmt::format("expected a {} name or {{name, options}}, got nothing", kind_noun(kind)));
      return selection;
    }
    selection.name = fallback;
  } else if (node->is_scalar()) {
    selection.name = node->scalar;
    name_node = node;
  } else if (node->is_map()) {
    record(path, node);
    check_keys(*node, path, schema_sections().at("plugin"));
    name_node = node->find("name");
    if (!name_node) {
      error(node->location, path, fmt::format("missing 'name': which {} to use", kind_noun(kind)));
      return selection;
    }
    if (!name_node->is_scalar() || name_node->scalar.empty()) {
      error(name_node->location, path + ".name", fmt::format("expected a {} name, got {}", kind_noun(kind), name_node->describe()));
      return selection;
    }
    selection.name = name_node->scalar;
    options = node->find("options");
    if (options) record(path + ".options", options);
    if (options && !options->is_map() && !options->is_null()) {
      error(options->location, path + ".options", fmt::format("expected a map of options, got {}", options->describe()));
      options = nullptr;
    }
  } else {
    error(node->location, path, fmt::format("expected a {} name or {{name, options}}, got {}", kind_noun(kind), node->describe()));
    return selection;
  }
  const std::string name_path = node && node->is_map() ? path + ".name" : path;
  if (name_node) {
    record(name_path, name_node);
    selection.location = name_node->location;
  }

  const PluginInfo* info = plugins_.find ? plugins_.find(kind, selection.name) : nullptr;
  if (!info) {
    std::vector<std::string> names = plugins_.names ? plugins_.names(kind) : std::vector<std::string>{};
    std::string hint;
    if (std::string close = closest_match(selection.name, names); !close.empty()) {
      hint = fmt::format("did you mean '{}'?", close);
    } else {
      for (PluginKind other : {PluginKind::Sampler, PluginKind::Strategy, PluginKind::Variant}) {
        if (other != kind && plugins_.find && plugins_.find(other, selection.name)) {
          hint = fmt::format("'{}' is a {} plugin, not a {}", selection.name, kind_noun(other), kind_noun(kind));
          break;
        }
      }
      if (hint.empty())
        hint = names.empty() ? fmt::format("no {} plugins are loaded (check plugin_paths and SPBENCH_PLUGIN_PATH)",
                                           kind_noun(kind))
                             : fmt::format("available {}: {}", kind_plural(kind), quoted_list(names));
    }
    error(name_node ? name_node->location : selection.location, name_path,
          fmt::format("unknown {} '{}'{}", kind_noun(kind), selection.name, name_node ? "" : " (the default)"), hint);
    selection.name.clear();
    return selection;
  }

  std::vector<std::string> option_names;
  for (const auto& o : info->options) option_names.push_back(o.name);
  std::set<std::string> given;
  if (options && options->is_map()) {
    for (const auto& child : options->children) {
      const std::string option_path = path + ".options." + child.key;
      record(option_path, &child);
      auto it = std::find_if(info->options.begin(), info->options.end(),
                             [&](const OptionInfo& o) { return o.name == child.key; });
      if (it == info->options.end()) {
        std::string hint;
        if (std::string close = closest_match(child.key, option_names); !close.empty())
          hint = fmt::format("did you mean '{}'?", close);
        else if (option_names.empty())
          hint = fmt::format("{} '{}' takes no options", kind_noun(kind), info->name);
        else
          hint = fmt::format("options of {} '{}': {}", kind_noun(kind), info->name, quoted_list(option_names));
        error(child.key_location, option_path, fmt::format("unknown option of {} '{}'", kind_noun(kind), info->name), hint);
        continue;
      }
      given.insert(child.key);
      if (auto value = option_value(*it, child, option_path)) selection.options.set(it->name, std::move(*value));
    }
  }
  for (const auto& o : info->options) {
    if (given.count(o.name)) continue;
    SpecNode value;
    bool parsed = true;
    try {
      value = parse_yaml_value(o.default_yaml, selection.location);
    } catch (const std::exception&) {
      parsed = false;
    }
    const std::size_t before = diagnostics_.size();
    std::optional<OptionValue> typed = parsed ? option_value(o, value, path + ".options." + o.name) : std::nullopt;
    diagnostics_.resize(before);
    if (!typed) {
      error(selection.location, path + ".options." + o.name,
            fmt::format("{} '{}' declares an invalid default '{}' for option '{}' (a bug in the plugin)",
                        kind_noun(kind), info->name, o.default_yaml, o.name),
            "set the option explicitly to work around it");
      continue;
    }
    selection.options.set(o.name, std::move(*typed));
  }
  return selection;
}

std::optional<OptionValue> Validator::option_value(const OptionInfo& option, const SpecNode& node,
                                                   const std::string& path) {
  auto fail = [&](const std::string& expected, std::string hint = {}) -> std::optional<OptionValue> {
    const std::string got = node.is_scalar() ? fmt::format("'{}'", node.scalar) : node.describe();
    error(node.location, path, fmt::format("expected {}, got {}", expected, got), std::move(hint));
    return std::nullopt;
  };
  switch (option.type) {
    case OptionType::Bool: {
      bool b = false;
      if (!node.is_scalar() || !parse_bool(node.scalar, b)) return fail("true or false");
      return OptionValue{b};
    }
    case OptionType::Int: {
      std::int64_t i = 0;
      if (!node.is_scalar() || !parse_int(node.scalar, i)) return fail("an integer");
      return OptionValue{i};
    }
    case OptionType::Float: {
      double d = 0;
      if (!node.is_scalar() || !parse_float(node.scalar, d)) return fail("a number");
      return OptionValue{d};
    }
    case OptionType::String: {
      if (node.is_null()) return OptionValue{std::string()};
      if (!node.is_scalar()) return fail("a string");
      if (!option.choices.empty() &&
          std::find(option.choices.begin(), option.choices.end(), node.scalar) == option.choices.end()) {
        std::string close = closest_match(node.scalar, option.choices);
        return fail("one of " + quoted_list(option.choices), close.empty() ? "" : fmt::format("did you mean '{}'?", close));
      }
      return OptionValue{node.scalar};
    }
    case OptionType::IntList: {
      std::vector<std::int64_t> values;
      if (node.is_null()) return OptionValue{values};
      if (!node.is_sequence()) return fail("a list of integers");
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const SpecNode& item = node.children[k];
        std::int64_t i = 0;
        if (!item.is_scalar() || !parse_int(item.scalar, i)) {
          error(item.location, fmt::format("{}[{}]", path, k), fmt::format("expected an integer, got {}", item.describe()));
          return std::nullopt;
        }
        values.push_back(i);
      }
      return OptionValue{values};
    }
    case OptionType::StringList: {
      std::vector<std::string> values;
      if (node.is_null()) return OptionValue{values};
      if (!node.is_sequence()) return fail("a list of strings");
      for (std::size_t k = 0; k < node.children.size(); ++k) {
        const SpecNode& item = node.children[k];
        if (!item.is_scalar()) {
          error(item.location, fmt::format("{}[{}]", path, k), fmt::format("expected a string, got {}", item.describe()));
          return std::nullopt;
        }
        values.push_back(item.scalar);
      }
      return OptionValue{values};
    }
  }
  return fail("a value");
}

}  // namespace

ExperimentSpec validate_spec(const LoadedSpec& loaded, const PluginCatalog& plugins,
                             std::vector<Diagnostic>& diagnostics) {
  ExperimentSpec spec;
  const std::size_t first = diagnostics.size();
  diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
  Validator(loaded, plugins, diagnostics, spec).run();
  // Read top to bottom: files in the order they first appear, by position
  // within a file, then the --set overrides in command-line order.
  std::map<std::string, std::size_t> rank;
  for (std::size_t i = 0; i < loaded.sets.size(); ++i) rank.emplace("--set " + loaded.sets[i], (1u << 20) + i);
  for (std::size_t i = first; i < diagnostics.size(); ++i) rank.emplace(diagnostics[i].location.file, rank.size());
  std::stable_sort(diagnostics.begin() + static_cast<std::ptrdiff_t>(first), diagnostics.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     const auto ra = rank.at(a.location.file), rb = rank.at(b.location.file);
                     if (ra != rb) return ra < rb;
                     return std::make_pair(a.location.line, a.location.column) <
                            std::make_pair(b.location.line, b.location.column);
                   });
  return spec;
}

ExperimentSpec load_experiment_spec(const fs::path& file, const PluginCatalog& plugins, const LoadOptions& options) {
  LoadedSpec loaded = load_spec_tree(file, options);
  std::vector<Diagnostic> diagnostics;
  ExperimentSpec spec = validate_spec(loaded, plugins, diagnostics);
  if (!diagnostics.empty()) throw SpecError(std::move(diagnostics));
  return spec;
}

}  // namespace spbench
