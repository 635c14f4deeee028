#include "spbench/engine/spec/schema.hpp"

#include <fmt/format.h>

#include <cctype>
#include <climits>
#include <limits>
#include <stdexcept>
#include <type_traits>

#include "spbench/engine/data/datasets.hpp"
#include "spbench/util/yaml_quoting.hpp"

namespace spbench {

std::string SpecKey::leaf() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string SpecKey::parent() const {
  const auto dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

int SpecKey::depth() const {
  int n = 0;
  for (char c : path) n += c == '.';
  return n;
}

namespace {

// --- YAML text of values -------------------------------------------------------

// A string as a YAML scalar, quoted whenever the plain form would read back
// as something else (a number, a bool, null) or not parse at all.
std::string yaml_string(const std::string& s) {
  bool plain = !s.empty() && s.find_first_of(":#{}[],&*!|>'\"%@`\n\t\\") == std::string::npos &&
               s.front() != ' ' && s.back() != ' ' && s.front() != '-' && s.front() != '?' && s.front() != '.';
  static const char* const special[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* word : special)
    if (lower == word) plain = false;
  if (plain && s.find_first_not_of("0123456789+-.eE_") == std::string::npos) plain = false;
  if (plain && (std::isdigit(static_cast<unsigned char>(s.front())) || s.front() == '+')) {
    // Leading digits may still read as a number or date in some YAML readers.
    plain = s.find_first_not_of("0123456789") != std::string::npos &&
            s.find_first_of("abcdfghijklmnopqrstuvwxyzABCDFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos;
  }
  return plain ? s : util::yaml_double_quoted(s);
}

// Shortest text that reads back as the same double, with a '.0' so that it
// still reads as a float.
std::string yaml_float(double d) {
  std::string text = fmt::format("{}", d);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string yaml_bool(bool b) { return b ? "true" : "false"; }

std::string yaml_option(const OptionValue& value) {
  struct Visitor {
    std::string operator()(bool b) const { return yaml_bool(b); }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return yaml_float(d); }
    std::string operator()(const std::string& s) const { return yaml_string(s); }
    std::string operator()(const std::vector<std::int64_t>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + std::to_string(v[i]);
      return out + "]";
    }
    std::string operator()(const std::vector<std::string>& v) const {
      std::string out = "[";
      for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_string(v[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, value);
}

void put(std::string& out, int indent, const std::string& key, const std::string& value) {
  out += std::string(static_cast<std::size_t>(indent), ' ') + key + ":";
  if (!value.empty()) out += " " + value;
  out += "\n";
}

void put_selection(std::string& out, int indent, const std::string& first_prefix, const PluginSelection& s) {
  out += std::string(static_cast<std::size_t>(indent), ' ') + first_prefix + "name: " + yaml_string(s.name) + "\n";
  const int inner = indent + static_cast<int>(first_prefix.size());
  if (s.options.values().empty()) {
    put(out, inner, "options", "{}");
    return;
  }
  put(out, inner, "options", "");
  for (const auto& [name, value] : s.options.values()) put(out, inner + 2, name, yaml_option(value));
}

// --- declarations ----------------------------------------------------------------

// The field a key reads and writes, for const and non-const specs alike.
#define SPBENCH_FIELD(member) [](auto& s) -> auto& { return s.member; }

std::string number_text(double v) { return fmt::format("{}", v); }

std::string float_type_text(const ValueRange& r) {
  if (r.low && r.high)
    return fmt::format("float in {}{}, {}{}", r.low_open ? "(" : "[", number_text(*r.low), number_text(*r.high),
                       r.high_open ? ")" : "]");
  if (r.low) return fmt::format("float {} {}", r.low_open ? ">" : "≥", number_text(*r.low));
  return "float";
}

std::string code(const std::string& s) { return "`" + s + "`"; }

std::string code_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + code(v);
  return out;
}

SpecKey base(std::string path, SpecKeyType type, std::string doc) {
  SpecKey k;
  k.path = std::move(path);
  k.type = type;
  k.doc = std::move(doc);
  return k;
}

void print_inline(SpecKey& k, std::function<std::string(const ExperimentSpec&)> text) {
  k.print = [indent = 2 * k.depth(), leaf = k.leaf(), text = std::move(text)](std::string& out,
                                                                                 const ExperimentSpec& s) {
    put(out, indent, leaf, text(s));
  };
}

SpecKey section(std::string path) {
  SpecKey k = base(std::move(path), SpecKeyType::Section, "");
  k.print = [indent = 2 * k.depth(), leaf = k.leaf()](std::string& out, const ExperimentSpec&) {
    put(out, indent, leaf, "");
  };
  return k;
}

template <typename Field>
SpecKey int_key(std::string path, Field field, std::int64_t fallback, std::int64_t min, std::string doc) {
  using T = std::decay_t<decltype(field(std::declval<ExperimentSpec&>()))>;
  SpecKey k = base(std::move(path), SpecKeyType::Int, std::move(doc));
  k.min = min;
  // A value must fit the field; INT_MAX for an int, INT64_MAX otherwise.
  k.max = std::numeric_limits<T>::max() <= INT_MAX ? INT_MAX : INT64_MAX;
  k.type_text = fmt::format("int ≥ {}", min);
  k.default_text = code(std::to_string(fallback));
  k.get = [field](const ExperimentSpec& s) { return SpecValue{static_cast<std::int64_t>(field(s))}; };
  k.set = [field](ExperimentSpec& s, const SpecValue& v) { field(s) = static_cast<T>(std::get<std::int64_t>(v)); };
  k.fallback = [fallback](const ExperimentSpec&) { return SpecValue{fallback}; };
  print_inline(k, [field](const ExperimentSpec& s) { return std::to_string(field(s)); });
  return k;
}

template <typename Field>
SpecKey float_key(std::string path, Field field, double fallback, ValueRange range, std::string doc) {
  SpecKey k = base(std::move(path), SpecKeyType::Float, std::move(doc));
  k.range = range;
  k.type_text = float_type_text(range);
  k.default_text = code(yaml_float(fallback));
  k.get = [field](const ExperimentSpec& s) { return SpecValue{field(s)}; };
  k.set = [field](ExperimentSpec& s, const SpecValue& v) { field(s) = std::get<double>(v); };
  k.fallback = [fallback](const ExperimentSpec&) { return SpecValue{fallback}; };
  print_inline(k, [field](const ExperimentSpec& s) { return yaml_float(field(s)); });
  return k;
}

template <typename Field>
SpecKey bool_key(std::string path, Field field, bool fallback, std::string doc) {
  SpecKey k = base(std::move(path), SpecKeyType::Bool, std::move(doc));
  k.type_text = "bool";
  k.default_text = code(yaml_bool(fallback));
  k.get = [field](const ExperimentSpec& s) { return SpecValue{field(s)}; };
  k.set = [field](ExperimentSpec& s, const SpecValue& v) { field(s) = std::get<bool>(v); };
  k.fallback = [fallback](const ExperimentSpec&) { return SpecValue{fallback}; };
  print_inline(k, [field](const ExperimentSpec& s) { return yaml_bool(field(s)); });
  return k;
}

// `fallback` empty: the default depends on other keys (`dynamic`), and
// `default_text` says how.
template <typename Field>
SpecKey string_key(std::string path, Field field, std::string fallback, std::string doc) {
  SpecKey k = base(std::move(path), SpecKeyType::String, std::move(doc));
  k.type_text = "string";
  k.default_text = code(fallback);
  k.get = [field](const ExperimentSpec& s) { return SpecValue{field(s)}; };
  k.set = [field](ExperimentSpec& s, const SpecValue& v) { field(s) = std::get<std::string>(v); };
  k.fallback = [fallback](const ExperimentSpec&) { return SpecValue{fallback}; };
  print_inline(k, [field](const ExperimentSpec& s) { return yaml_string(field(s)); });
  return k;
}

// A Choice over an enum field (the spellings in the enum's order) or over a
// string field.
template <typename Field>
SpecKey choice_key(std::string path, Field field, std::vector<std::string> choices, std::string fallback,
                   std::string doc) {
  using T = std::decay_t<decltype(field(std::declval<ExperimentSpec&>()))>;
  SpecKey k = base(std::move(path), SpecKeyType::Choice, std::move(doc));
  k.type_text = code_list(choices);
  k.default_text = code(fallback);
  k.choices = choices;
  auto spelling = [field, choices](const ExperimentSpec& s) -> std::string {
    if constexpr (std::is_enum_v<T>) return choices.at(static_cast<std::size_t>(field(s)));
    else return field(s);
  };
  k.get = [spelling](const ExperimentSpec& s) { return SpecValue{spelling(s)}; };
  k.set = [field, choices](ExperimentSpec& s, const SpecValue& v) {
    const std::string& text = std::get<std::string>(v);
    if constexpr (std::is_enum_v<T>) {
      for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i] == text) return void(field(s) = static_cast<T>(i));
      throw std::invalid_argument("not a choice: " + text);
    } else {
      field(s) = text;
    }
  };
  k.fallback = [fallback](const ExperimentSpec&) { return SpecValue{fallback}; };
  print_inline(k, spelling);
  return k;
}

SpecKey custom(std::string path, std::string type_text, std::string default_text, std::string doc) {
  SpecKey k = base(std::move(path), SpecKeyType::Custom, std::move(doc));
  k.type_text = std::move(type_text);
  k.default_text = std::move(default_text);
  return k;
}

std::vector<SpecKey> declare() {
  std::vector<SpecKey> keys;
  auto add = [&keys](SpecKey k) -> SpecKey& { return keys.emplace_back(std::move(k)); };

  // --- top level
  {
    SpecKey& k = add(string_key("name", SPBENCH_FIELD(name), "",
                                "experiment name; the run folder is `<output.dir>/<name>`, so it must not contain `/`, "
                                "be `.` or `..`, or start/end with a space"));
    k.default_text = "the spec file's name without extension";
    k.fallback = [](const ExperimentSpec& s) { return SpecValue{s.spec_file.stem().string()}; };
  }
  add(int_key("seed", SPBENCH_FIELD(seed), 0, 0,
              "seed of every random choice (initialisation, sampling, data order, architecture samples)"));
  {
    SpecKey& k = add(custom("device", "`auto`, `cpu`, `cuda`, `cuda:N`", "`auto`",
                            "where to train; `auto` picks the first GPU when there is one, else the CPU"));
    print_inline(k, [](const ExperimentSpec& s) { return yaml_string(s.device); });
  }
  add(choice_key("precision", SPBENCH_FIELD(precision), {"fp32", "bf16", "fp16-amp"}, "fp32",
                 "arithmetic: plain float32, bfloat16 autocast, or float16 autocast with loss scaling"));
  add(bool_key("channels_last", SPBENCH_FIELD(channels_last), false,
               "use the channels-last memory format for convolutions (faster on recent GPUs)"));
  add(int_key("threads", SPBENCH_FIELD(threads), 0, 0, "CPU threads for LibTorch; `0` uses all cores"));
  {
    SpecKey& k = add(custom("plugin_paths", "list of strings", "`[]`",
                            "extra folders scanned for plugin libraries; relative paths are relative to the spec file "
                            "that names them and must exist"));
    k.print = [](std::string& out, const ExperimentSpec& s) {
      if (s.plugin_paths.empty()) return put(out, 0, "plugin_paths", "[]");
      put(out, 0, "plugin_paths", "");
      for (const auto& p : s.plugin_paths) out += "  - " + yaml_string(p.string()) + "\n";
    };
  }

  // --- search_space
  add(section("search_space"));
  {
    SpecKey& k = add(custom("search_space.ops", "list of operation names", "all five",
                            "the operations every edge of the NAS-Bench-201 cell may use: a non-empty subset of "
                            "`none`, `skip_connect`, `nor_conv_1x1`, `nor_conv_3x3`, `avg_pool_3x3`, without "
                            "duplicates. The order does not matter (NAS-Bench-201's order is used)"));
    print_inline(k, [](const ExperimentSpec& s) {
      std::string ops;
      for (Op op : kAllOps)
        if (s.ops.contains(op)) ops += (ops.empty() ? "" : ", ") + std::string(op_name(op));
      return "[" + ops + "]";
    });
  }

  // --- supernet
  add(section("supernet"));
  add(int_key("supernet.channels", SPBENCH_FIELD(run.network.channels), 16, 1,
              "C, the channels of the first stage (2C and 4C after the reductions)"));
  add(int_key("supernet.cells_per_stage", SPBENCH_FIELD(run.network.cells_per_stage), 5, 1,
              "N, cells in each of the three stages"));
  add(section("supernet.bn"));
  add(bool_key("supernet.bn.affine", SPBENCH_FIELD(run.network.bn_affine), true, "learnable BatchNorm scale and shift"));
  add(bool_key("supernet.bn.track_running_stats", SPBENCH_FIELD(run.network.bn_track_running_stats), true,
               "keep running BatchNorm statistics in the candidate operations; `false`: they normalise with each "
               "batch's statistics in evaluation too (few-shot-NAS), while the stem, reduction blocks and head keep "
               "theirs"));
  add(bool_key("supernet.topology_sharing", SPBENCH_FIELD(run.topology_sharing), true,
               "`true`: one sampled cell architecture is used in every cell; `false`: every cell gets its own in "
               "training (evaluation still uses one cell everywhere)"));

  // --- data
  add(section("data"));
  add(choice_key("data.dataset", SPBENCH_FIELD(data.dataset), readable_dataset_names(),  // the one table of data sets
                 "cifar10",
                 "the dataset; sets the class count (100 for `cifar100`, else 10) and input channels (1 for the "
                 "MNISTs, else 3)"));
  {
    SpecKey& k = add(string_key("data.root", SPBENCH_FIELD(data.root), "",
                                "the dataset's folder, relative to the data root (`--data-root` or "
                                "`SPBENCH_DATA_ROOT`) unless absolute"));
    k.default_text = "the value of `dataset`";
    k.fallback = [](const ExperimentSpec& s) { return SpecValue{std::string(setting_name(s.data.dataset))}; };
  }
  {
    SpecKey& k = add(choice_key(
        "data.split", SPBENCH_FIELD(data.split), {"cifar10-valid", "cifar10", "train-valid", "train-test"}, "",
        "what is trained on and what evaluated on. `cifar10-valid`: NAS-Bench-201's split of the CIFAR-10 "
        "training set into training and validation halves; `cifar10`: the CIFAR-10 training set, evaluated on its "
        "test set; `train-valid`: the dataset's training set split into training and validation parts; "
        "`train-test`: training set, evaluated on the test set. The two `cifar10*` splits need `dataset: cifar10`"));
    k.default_text = "`cifar10-valid` for CIFAR-10, else `train-valid`";
    // NAS-Bench-201's own splits exist for CIFAR-10 only.
    k.fallback = [](const ExperimentSpec& s) {
      return SpecValue{std::string(s.data.dataset == Dataset::Cifar10 ? "cifar10-valid" : "train-valid")};
    };
  }
  add(float_key("data.valid_fraction", SPBENCH_FIELD(data.valid_fraction), 0.5, ValueRange{0.0, true, 1.0, true},
                "the share of the training set held out for evaluation, class-balanced, under `split: train-valid` "
                "(other splits ignore it; UniNAS holds out 0.1: 45,000 / 5,000 of CIFAR-10)"));
  add(int_key("data.train_subset", SPBENCH_FIELD(data.train_subset), 0, 0,
              "train on a class-balanced subset of this many images; `0`: all"));
  add(int_key("data.valid_subset", SPBENCH_FIELD(data.valid_subset), 0, 0, "the same for the evaluation split"));
  add(int_key("data.resize", SPBENCH_FIELD(data.resize), 0, 0,
              "resize images to this side length in pixels; `0`: native size"));
  add(bool_key("data.augment", SPBENCH_FIELD(data.augment), true,
               "standard augmentation (random crop with padding, horizontal flip) in training"));

  // --- training
  add(section("training"));
  add(int_key("training.epochs", SPBENCH_FIELD(run.epochs), 1, 1, "training epochs of the super-network"));
  add(int_key("training.batch_size", SPBENCH_FIELD(run.batch_size), 64, 1, "images per optimizer step"));
  add(int_key("training.steps_per_epoch", SPBENCH_FIELD(training.steps_per_epoch), 0, 0,
              "optimizer steps per epoch; `0`: one pass over the training split"));
  add(float_key("training.learning_rate", SPBENCH_FIELD(run.optimizer.learning_rate), 0.025, above(0),
                "initial SGD learning rate"));
  add(float_key("training.min_learning_rate", SPBENCH_FIELD(run.optimizer.min_learning_rate), 0.0, at_least(0),
                "floor of the cosine schedule"))
      .type_text = "float ≥ 0, ≤ `learning_rate`";
  add(float_key("training.momentum", SPBENCH_FIELD(run.optimizer.momentum), 0.9, ValueRange{0.0, false, 1.0, true},
                "SGD momentum"));
  add(bool_key("training.nesterov", SPBENCH_FIELD(run.optimizer.nesterov), true,
               "Nesterov momentum (needs `momentum` > 0)"));
  add(float_key("training.weight_decay", SPBENCH_FIELD(run.optimizer.weight_decay), 5e-4, at_least(0),
                "L2 weight decay"));
  add(bool_key("training.weight_decay_on_bn_and_bias", SPBENCH_FIELD(run.optimizer.weight_decay_on_bn_and_bias), true,
               "`false` exempts BatchNorm and bias parameters from weight decay"));
  add(choice_key("training.schedule", SPBENCH_FIELD(training.schedule), {"cosine", "constant"}, "cosine",
                 "learning-rate schedule over all epochs"));
  add(choice_key("training.schedule_step", SPBENCH_FIELD(training.schedule_step), {"step", "epoch"}, "step",
                 "when the cosine rate changes: after every optimizer step (t = step / all steps), or once per "
                 "epoch as PyTorch's CosineAnnealingLR stepped per epoch (t = epoch / epochs; UniNAS, "
                 "few-shot-NAS)"));
  add(choice_key("training.unsampled_gradients", SPBENCH_FIELD(training.unsampled_gradients), {"zero", "none"},
                 "zero",
                 "gradients of parameters off the sampled path: `zero` keeps a parameter's gradient as a zero tensor "
                 "once it has one, so weight decay and momentum update it every step (PyTorch's "
                 "`zero_grad(set_to_none=False)`, as UniNAS and few-shot-NAS train); `none` resets gradients to "
                 "undefined before every step, so SGD leaves parameters off the path untouched"));
  add(int_key("training.log_every", SPBENCH_FIELD(training.log_every), 50, 0,
              "optimizer steps between progress lines; `0`: none"));
  add(choice_key("training.on_nonfinite_loss", SPBENCH_FIELD(training.on_nonfinite_loss), {"stop", "skip"}, "stop",
                 "on a NaN/infinite loss: stop the run with an error, or skip that step and go on"));

  // --- plugins
  {
    SpecKey& k = add(custom("sampler", "plugin selection", "`uniform`", "the path sampler: which path(s) each step trains"));
    k.print = [](std::string& out, const ExperimentSpec& s) {
      put(out, 0, "sampler", "");
      put_selection(out, 2, "", s.sampler);
    };
  }
  {
    SpecKey& k = add(custom("strategy", "plugin selection", "`one-shot`",
                            "the super-network strategy (one-shot, few-shot splits, …)"));
    k.print = [](std::string& out, const ExperimentSpec& s) {
      put(out, 0, "strategy", "");
      put_selection(out, 2, "", s.strategy);
    };
  }
  {
    SpecKey& k = add(custom("variants", "list of plugin selections", "`[]`",
                            "training variants, applied in list order; each at most once"));
    k.print = [](std::string& out, const ExperimentSpec& s) {
      if (s.variants.empty()) return put(out, 0, "variants", "[]");
      put(out, 0, "variants", "");
      for (const auto& v : s.variants) put_selection(out, 2, "- ", v);
    };
  }

  // --- evaluation
  add(section("evaluation"));
  {
    SpecKey& k = add(custom("evaluation.architectures", "see below", "`all`",
                            "which architectures the trained super-network ranks"));
    k.subkeys = {"sample", "stratified", "seed", "list", "top"};
    print_inline(k, [](const ExperimentSpec& s) -> std::string {
      const ArchitectureSelection& a = s.evaluation.architectures;
      switch (a.kind) {
        case ArchitectureSelection::Kind::All: return "all";
        case ArchitectureSelection::Kind::Unique: return "unique";
        case ArchitectureSelection::Kind::Sample:
          // The sample's own seed only when given, so older specs print as they did.
          return a.seed < 0 ? fmt::format("{{sample: {}, stratified: {}}}", a.count, yaml_bool(a.stratified))
                            : fmt::format("{{sample: {}, stratified: {}, seed: {}}}", a.count,
                                          yaml_bool(a.stratified), a.seed);
        case ArchitectureSelection::Kind::List: return fmt::format("{{list: {}}}", yaml_string(a.file));
        case ArchitectureSelection::Kind::Top: return fmt::format("{{top: {}}}", a.count);
      }
      return "?";
    });
  }
  {
    SpecKey& k = add(custom(
        "evaluation.bn", "`running`, `batch`, `{recalibrate: R, momentum: M, reset: B}`", "`running`",
        "BatchNorm statistics in evaluation: the running statistics from training (candidate operations "
        "without running statistics use each batch's: few-shot-NAS), the statistics of each evaluation batch, or statistics "
        "re-estimated per architecture on R ≥ 1 unaugmented training batches forwarded with BatchNorm in training "
        "mode — `momentum` in (0, 1] or `cumulative` (the default: a plain average), `reset` (default `true`) "
        "whether the statistics start from zero or from the trained ones; UniNAS: `{recalibrate: 20, momentum: "
        "0.1, reset: false}` (docs/evaluation.md)"));
    k.subkeys = {"recalibrate", "momentum", "reset"};
    print_inline(k, [](const ExperimentSpec& s) -> std::string {
      switch (s.evaluation.bn) {
        case EvaluationSpec::BnMode::Running: return "running";
        case EvaluationSpec::BnMode::Batch: return "batch";
        case EvaluationSpec::BnMode::Recalibrate: {
          // Defaults are left out, so specs written before momentum/reset print as they did.
          std::string out = fmt::format("{{recalibrate: {}", s.evaluation.recalibrate_batches);
          if (s.evaluation.recalibrate_momentum >= 0)
            out += fmt::format(", momentum: {}", yaml_float(s.evaluation.recalibrate_momentum));
          if (!s.evaluation.recalibrate_reset) out += ", reset: false";
          return out + "}";
        }
      }
      return "?";
    });
  }
  add(int_key("evaluation.batches", SPBENCH_FIELD(evaluation.batches), 10, 0,
              "V, validation batches per architecture; `0`: the whole evaluation split"));
  add(int_key("evaluation.batch_size", SPBENCH_FIELD(evaluation.batch_size), 256, 1, "images per evaluation batch"));
  {
    SpecKey k = int_key("evaluation.paths_per_batch", SPBENCH_FIELD(evaluation.paths_per_batch), 0, 0,
                        "K, architectures scored together in one forward pass (the same numbers up to rounding, "
                        "docs/evaluation.md); `0`: as many as fit a memory budget, `1`: one at a time");
    // Printed only when set: it changes speed, not results, and resolved
    // specs (a matrix cell's cell.yaml) written before it existed stay the same.
    k.print = [print = k.print](std::string& out, const ExperimentSpec& s) {
      if (s.evaluation.paths_per_batch != 0) print(out, s);
    };
    add(std::move(k));
  }

  // --- ground_truth
  add(section("ground_truth"));
  add(choice_key("ground_truth.source", SPBENCH_FIELD(ground_truth.source), {"csv", "stand-alone", "none"}, "csv",
                 "where the true accuracies come from: a NAS-Bench-201 table, architectures trained on their own, "
                 "or nowhere (no correlation is computed)"));
  add(string_key("ground_truth.file", SPBENCH_FIELD(ground_truth.file), "nb201/nb201.csv",
                 "the CSV table, relative to the data root unless absolute"));
  add(string_key("ground_truth.column", SPBENCH_FIELD(ground_truth.column), "cifar10_test_acc",
                 "the CSV column holding the accuracy"));
  add(choice_key("ground_truth.join", SPBENCH_FIELD(ground_truth.join), {"arch", "index"}, "arch",
                 "match CSV rows by architecture string or by NAS-Bench-201 index"));
  add(section("ground_truth.stand_alone"));
  add(int_key("ground_truth.stand_alone.epochs", SPBENCH_FIELD(ground_truth.stand_alone.epochs), 1, 1,
              "training epochs per stand-alone architecture"));
  add(int_key("ground_truth.stand_alone.batch_size", SPBENCH_FIELD(ground_truth.stand_alone.batch_size), 64, 1,
              "their batch size"));
  add(float_key("ground_truth.stand_alone.learning_rate", SPBENCH_FIELD(ground_truth.stand_alone.learning_rate), 0.1,
                above(0), "their learning rate"));
  add(int_key("ground_truth.stand_alone.architectures", SPBENCH_FIELD(ground_truth.stand_alone.architectures), 20, 1,
              "how many architectures are trained stand-alone"));
  {
    SpecKey& k = add(string_key("ground_truth.zero_cost", SPBENCH_FIELD(ground_truth.zero_cost), "",
                                "a CSV of zero-cost proxy scores written by `spbench zero-cost` (columns arch, index, "
                                "one per proxy), relative to the data root unless absolute; each proxy becomes a "
                                "reference row beside `params` and `flops`, on the same architectures"));
    k.default_text = "none";
    // Left out when unset, so that specs written before the key print as they did.
    k.print = [print = k.print](std::string& out, const ExperimentSpec& s) {
      if (!s.ground_truth.zero_cost.empty()) print(out, s);
    };
  }

  // --- output
  add(section("output"));
  add(string_key("output.dir", SPBENCH_FIELD(output.dir), "runs",
                 "runs land in `<dir>/<name>`; relative to the working directory"));
  add(bool_key("output.checkpoint_every_epoch", SPBENCH_FIELD(output.checkpoint_every_epoch), true,
               "write a resumable checkpoint after every epoch (otherwise only at the end)"));
  return keys;
}

#undef SPBENCH_FIELD

}  // namespace

const std::vector<SpecKey>& spec_schema() {
  static const std::vector<SpecKey> keys = declare();
  return keys;
}

const SpecKey* find_spec_key(const std::string& path) {
  for (const auto& k : spec_schema())
    if (k.path == path) return &k;
  return nullptr;
}

const std::map<std::string, std::vector<std::string>>& spec_schema_sections() {
  static const std::map<std::string, std::vector<std::string>> sections = [] {
    std::map<std::string, std::vector<std::string>> out;
    out[""];
    for (const auto& k : spec_schema()) {
      out[k.parent()].push_back(k.leaf());
      if (k.type == SpecKeyType::Section) out[k.path];
      if (!k.subkeys.empty()) out[k.path] = k.subkeys;
    }
    out["plugin"] = {"name", "options"};
    return out;
  }();
  return sections;
}

std::string to_yaml(const ExperimentSpec& spec) {
  std::string out;
  for (const auto& k : spec_schema()) k.print(out, spec);
  return out;
}

}  // namespace spbench
