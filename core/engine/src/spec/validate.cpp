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

#include "spbench/sdk/option_parsing.hpp"
#include "spbench/sdk/plugin_info.hpp"
#include "spbench/engine/spec/schema.hpp"
#include "spbench/engine/data/datasets.hpp"
#include "spbench/engine/spec/spec.hpp"

namespace spbench {

namespace fs = std::filesystem;

namespace {

// Every key the schema knows, by section: unknown-key checks and "belongs
// under …" hints read the one declaration (spec/schema.cpp).
const std::map<std::string, std::vector<std::string>>& schema_sections() { return spec_schema_sections(); }

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

// The one value parser, shared with plugin options (option_parsing.hpp).
bool parse_int(const std::string& text, std::int64_t& out) { return parse_int_scalar(text, out); }
bool parse_float(const std::string& text, double& out) { return parse_float_scalar(text, out); }
bool parse_bool(const std::string& text, bool& out) { return parse_bool_scalar(text, out); }

std::string quoted_list(const std::vector<std::string>& values) { return fmt::format("{}", fmt::join(values, ", ")); }

using FloatRange = ValueRange;

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

  // --- the schema's keys ------------------------------------------------------
  // A typed key (Int, Float, Bool, String, Choice) in `map`, by its declaration.
  void typed_key(const SpecKey& key, const SpecNode* map);
  // Custom keys: parsed by hand, keyed by path; checks that run after a key.
  using Handler = void (Validator::*)(const SpecNode* map);
  static const std::map<std::string, Handler>& custom_handlers();
  static const std::map<std::string, Handler>& after_checks();
  void device(const SpecNode* map);
  void plugin_paths(const SpecNode* map);
  void ops(const SpecNode* map);
  void sampler(const SpecNode* map);
  void strategy(const SpecNode* map);
  void variants(const SpecNode* map);
  void architectures(const SpecNode* map);
  void evaluation_bn(const SpecNode* map);
  void check_name(const SpecNode* map);
  void check_split(const SpecNode* map);
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
  spec_.spec_file = loaded_.file;
  // The map of each section, by path (nullptr: absent, defaults apply).
  std::map<std::string, const SpecNode*> maps;
  maps[""] = section(&loaded_.root, "", "");
  for (const SpecKey& key : spec_schema()) {
    const SpecNode* map = maps.at(key.parent());
    switch (key.type) {
      case SpecKeyType::Section: maps[key.path] = section(map, key.leaf(), key.path, key.path); break;
      case SpecKeyType::Custom: (this->*custom_handlers().at(key.path))(map); break;
      default: typed_key(key, map); break;
    }
    if (auto it = after_checks().find(key.path); it != after_checks().end()) (this->*it->second)(map);
  }
  // What the spec derives from its keys.
  spec_.run.space = SearchSpace(spec_.ops);
  spec_.run.seed = spec_.seed;
  spec_.run.network.num_classes = dataset_num_classes(spec_.data.dataset);
  spec_.run.network.input_channels = dataset_input_channels(spec_.data.dataset);
  cross_checks();
}

void Validator::typed_key(const SpecKey& key, const SpecNode* map) {
  const SpecValue fallback = key.fallback(spec_);
  const std::string leaf = key.leaf();
  switch (key.type) {
    case SpecKeyType::Int:
      key.set(spec_, integer(map, leaf, key.path, std::get<std::int64_t>(fallback), key.min, key.max));
      break;
    case SpecKeyType::Float:
      key.set(spec_, number(map, leaf, key.path, std::get<double>(fallback), key.range));
      break;
    case SpecKeyType::Bool: key.set(spec_, boolean(map, leaf, key.path, std::get<bool>(fallback))); break;
    case SpecKeyType::String:
      key.set(spec_, string(map, leaf, key.path, std::get<std::string>(fallback), key.allow_empty));
      break;
    case SpecKeyType::Choice:
      key.set(spec_, choice(map, leaf, key.path, std::get<std::string>(fallback), key.choices));
      break;
    case SpecKeyType::Section:
    case SpecKeyType::Custom: break;
  }
}

const std::map<std::string, Validator::Handler>& Validator::custom_handlers() {
  static const std::map<std::string, Handler> handlers = [] {
    std::map<std::string, Handler> h = {
        {"device", &Validator::device},
        {"plugin_paths", &Validator::plugin_paths},
        {"search_space.ops", &Validator::ops},
        {"sampler", &Validator::sampler},
        {"strategy", &Validator::strategy},
        {"variants", &Validator::variants},
        {"evaluation.architectures", &Validator::architectures},
        {"evaluation.bn", &Validator::evaluation_bn},
    };
    // A Custom key without a handler (or a handler without its key) is a
    // programming error that every validation would hit; say so at once.
    std::size_t customs = 0;
    for (const SpecKey& key : spec_schema()) {
      if (key.type != SpecKeyType::Custom) continue;
      ++customs;
      if (!h.count(key.path)) throw std::logic_error("spec key '" + key.path + "' is Custom but has no parser");
    }
    if (customs != h.size()) throw std::logic_error("a custom spec parser has no key in the schema");
    return h;
  }();
  return handlers;
}

const std::map<std::string, Validator::Handler>& Validator::after_checks() {
  static const std::map<std::string, Handler> checks = {
      {"name", &Validator::check_name},
      {"data.split", &Validator::check_split},
  };
  return checks;
}

void Validator::check_name(const SpecNode* root) {
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
}

void Validator::device(const SpecNode* root) {
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
}

void Validator::plugin_paths(const SpecNode* root) {
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

void Validator::ops(const SpecNode* space) {
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
}

void Validator::check_split(const SpecNode* d) {
  const DataSpec& out = spec_.data;
  if (out.dataset != Dataset::Cifar10 && (out.split == "cifar10-valid" || out.split == "cifar10")) {
    const SpecNode* node = d ? d->find("split") : nullptr;
    error(node ? node->location : spec_.location_of("data"), "data.split",
          fmt::format("split '{}' exists for dataset cifar10 only, but data.dataset is '{}'", out.split,
                      setting_name(out.dataset)),
          "use train-valid or train-test");
  }
}

void Validator::sampler(const SpecNode* root) {
  spec_.sampler = plugin(root ? root->find("sampler") : nullptr, "sampler", PluginKind::Sampler, "uniform");
}

void Validator::strategy(const SpecNode* root) {
  spec_.strategy = plugin(root ? root->find("strategy") : nullptr, "strategy", PluginKind::Strategy, "one-shot");
}

void Validator::variants(const SpecNode* root) {
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

}

void Validator::architectures(const SpecNode* e) {
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
      out.architectures.seed = integer(m, "seed", path + ".seed", -1, 0, INT64_MAX);
      if (const SpecNode* s = m->find("seed"); s && !sample)
        error(s->key_location, path + ".seed", "seed applies to {sample: K} only");
    }
  }
}

void Validator::evaluation_bn(const SpecNode* e) {
  EvaluationSpec& out = spec_.evaluation;
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
        error(m->location, path,
              "expected {recalibrate: R[, momentum: M|cumulative][, reset: BOOL]} (R batches to re-estimate BN "
              "statistics)");
      } else {
        out.bn = EvaluationSpec::BnMode::Recalibrate;
        out.recalibrate_batches = integer(m, "recalibrate", path + ".recalibrate", 1, 1, INT64_MAX);
        if (const SpecNode* mo = m->find("momentum"); mo && mo->is_scalar() && mo->scalar == "cumulative") {
          out.recalibrate_momentum = -1.0;
        } else {
          out.recalibrate_momentum =
              number(m, "momentum", path + ".momentum", -1.0, FloatRange{0.0, true, 1.0, false});
        }
        out.recalibrate_reset = boolean(m, "reset", path + ".reset", true);
      }
    }
  }
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
  if (spec_.evaluation.architectures.kind == ArchitectureSelection::Kind::Top && spec_.ground_truth.source == GroundTruthSource::None)
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
  try {
    return parse_option_value(option, node);
  } catch (const OptionValueError& e) {
    error(e.location(), path + e.path_suffix(), e.what(), e.hint());
    return std::nullopt;
  }
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
