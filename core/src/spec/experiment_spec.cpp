#include "spbench/spec/experiment_spec.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

#include "spbench/datasets.hpp"
#include "spbench/spec/spec.hpp"

#include "yaml_quoting.hpp"

namespace spbench {

namespace fs = std::filesystem;

SourceLocation ExperimentSpec::location_of(const std::string& key_path) const {
  std::string path = key_path;
  while (!path.empty()) {
    if (auto it = locations.find(path); it != locations.end()) return it->second;
    const auto cut = path.find_last_of(".[");
    path = cut == std::string::npos ? std::string() : path.substr(0, cut);
  }
  return SourceLocation{spec_file.string(), 0, 0};
}

int dataset_num_classes(const std::string& dataset) {
  const DatasetInfo* d = find_dataset(dataset);
  return d ? d->classes : 10;
}

int dataset_input_channels(const std::string& dataset) {
  const DatasetInfo* d = find_dataset(dataset);
  return d ? d->channels : 3;
}

fs::path resolve_data_path(const std::string& path, const fs::path& data_root) {
  const fs::path p(path);
  return p.is_absolute() ? p : data_root / p;
}

namespace {

bool same_selection(const PluginSelection& a, const PluginSelection& b) {
  return a.name == b.name && a.options.values() == b.options.values();
}

bool same_run(const RunSetup& a, const RunSetup& b) {
  const NetworkSetup &na = a.network, &nb = b.network;
  const OptimizerSetup &oa = a.optimizer, &ob = b.optimizer;
  return a.space == b.space && a.topology_sharing == b.topology_sharing && a.epochs == b.epochs &&
         a.batch_size == b.batch_size && a.seed == b.seed && na.channels == nb.channels &&
         na.cells_per_stage == nb.cells_per_stage && na.num_classes == nb.num_classes &&
         na.input_channels == nb.input_channels && na.bn_affine == nb.bn_affine &&
         na.bn_track_running_stats == nb.bn_track_running_stats && na.dropout == nb.dropout &&
         na.drop_path == nb.drop_path && oa.learning_rate == ob.learning_rate &&
         oa.min_learning_rate == ob.min_learning_rate && oa.momentum == ob.momentum && oa.nesterov == ob.nesterov &&
         oa.weight_decay == ob.weight_decay && oa.weight_decay_on_bn_and_bias == ob.weight_decay_on_bn_and_bias;
}

}  // namespace

bool operator==(const ExperimentSpec& a, const ExperimentSpec& b) {
  if (a.variants.size() != b.variants.size()) return false;
  for (std::size_t i = 0; i < a.variants.size(); ++i)
    if (!same_selection(a.variants[i], b.variants[i])) return false;
  const auto &da = a.data, &db = b.data;
  const auto &ea = a.evaluation, &eb = b.evaluation;
  const auto &ga = a.ground_truth, &gb = b.ground_truth;
  return a.name == b.name && a.seed == b.seed && a.device == b.device && a.precision == b.precision &&
         a.channels_last == b.channels_last && a.threads == b.threads && a.plugin_paths == b.plugin_paths &&
         same_run(a.run, b.run) && a.ops == b.ops && da.dataset == db.dataset && da.root == db.root &&
         da.split == db.split && da.train_subset == db.train_subset && da.valid_subset == db.valid_subset &&
         da.resize == db.resize && da.augment == db.augment &&
         a.training.steps_per_epoch == b.training.steps_per_epoch && a.training.schedule == b.training.schedule &&
         a.training.log_every == b.training.log_every &&
         a.training.on_nonfinite_loss == b.training.on_nonfinite_loss && same_selection(a.sampler, b.sampler) &&
         same_selection(a.strategy, b.strategy) && ea.architectures.kind == eb.architectures.kind &&
         ea.architectures.count == eb.architectures.count &&
         ea.architectures.stratified == eb.architectures.stratified && ea.architectures.file == eb.architectures.file &&
         ea.bn == eb.bn && ea.recalibrate_batches == eb.recalibrate_batches && ea.batches == eb.batches &&
         ea.batch_size == eb.batch_size && ga.source == gb.source && ga.file == gb.file && ga.column == gb.column &&
         ga.join == gb.join && ga.stand_alone.epochs == gb.stand_alone.epochs &&
         ga.stand_alone.batch_size == gb.stand_alone.batch_size &&
         ga.stand_alone.learning_rate == gb.stand_alone.learning_rate &&
         ga.stand_alone.architectures == gb.stand_alone.architectures && a.output.dir == b.output.dir &&
         a.output.checkpoint_every_epoch == b.output.checkpoint_every_epoch;
}

// --- printing ----------------------------------------------------------------

namespace {

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
  return plain ? s : spec_text::yaml_double_quoted(s);
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

}  // namespace

std::string to_yaml(const ExperimentSpec& spec) {
  std::string out;
  const RunSetup& run = spec.run;
  put(out, 0, "name", yaml_string(spec.name));
  put(out, 0, "seed", std::to_string(spec.seed));
  put(out, 0, "device", yaml_string(spec.device));
  put(out, 0, "precision", spec.precision);
  put(out, 0, "channels_last", yaml_bool(spec.channels_last));
  put(out, 0, "threads", std::to_string(spec.threads));
  if (spec.plugin_paths.empty()) {
    put(out, 0, "plugin_paths", "[]");
  } else {
    put(out, 0, "plugin_paths", "");
    for (const auto& p : spec.plugin_paths) out += "  - " + yaml_string(p.string()) + "\n";
  }

  std::string ops;
  for (Op op : kAllOps)
    if (spec.ops.contains(op)) ops += (ops.empty() ? "" : ", ") + std::string(op_name(op));
  put(out, 0, "search_space", "");
  put(out, 2, "ops", "[" + ops + "]");

  put(out, 0, "supernet", "");
  put(out, 2, "channels", std::to_string(run.network.channels));
  put(out, 2, "cells_per_stage", std::to_string(run.network.cells_per_stage));
  put(out, 2, "bn", "");
  put(out, 4, "affine", yaml_bool(run.network.bn_affine));
  put(out, 4, "track_running_stats", yaml_bool(run.network.bn_track_running_stats));
  put(out, 2, "topology_sharing", yaml_bool(run.topology_sharing));

  put(out, 0, "data", "");
  put(out, 2, "dataset", spec.data.dataset);
  put(out, 2, "root", yaml_string(spec.data.root));
  put(out, 2, "split", spec.data.split);
  put(out, 2, "train_subset", std::to_string(spec.data.train_subset));
  put(out, 2, "valid_subset", std::to_string(spec.data.valid_subset));
  put(out, 2, "resize", std::to_string(spec.data.resize));
  put(out, 2, "augment", yaml_bool(spec.data.augment));

  const OptimizerSetup& o = run.optimizer;
  put(out, 0, "training", "");
  put(out, 2, "epochs", std::to_string(run.epochs));
  put(out, 2, "batch_size", std::to_string(run.batch_size));
  put(out, 2, "steps_per_epoch", std::to_string(spec.training.steps_per_epoch));
  put(out, 2, "learning_rate", yaml_float(o.learning_rate));
  put(out, 2, "min_learning_rate", yaml_float(o.min_learning_rate));
  put(out, 2, "momentum", yaml_float(o.momentum));
  put(out, 2, "nesterov", yaml_bool(o.nesterov));
  put(out, 2, "weight_decay", yaml_float(o.weight_decay));
  put(out, 2, "weight_decay_on_bn_and_bias", yaml_bool(o.weight_decay_on_bn_and_bias));
  put(out, 2, "schedule", spec.training.schedule);
  put(out, 2, "log_every", std::to_string(spec.training.log_every));
  put(out, 2, "on_nonfinite_loss", spec.training.on_nonfinite_loss);

  put(out, 0, "sampler", "");
  put_selection(out, 2, "", spec.sampler);
  put(out, 0, "strategy", "");
  put_selection(out, 2, "", spec.strategy);
  if (spec.variants.empty()) {
    put(out, 0, "variants", "[]");
  } else {
    put(out, 0, "variants", "");
    for (const auto& v : spec.variants) put_selection(out, 2, "- ", v);
  }

  const EvaluationSpec& e = spec.evaluation;
  put(out, 0, "evaluation", "");
  switch (e.architectures.kind) {
    case ArchitectureSelection::Kind::All: put(out, 2, "architectures", "all"); break;
    case ArchitectureSelection::Kind::Unique: put(out, 2, "architectures", "unique"); break;
    case ArchitectureSelection::Kind::Sample:
      put(out, 2, "architectures",
          fmt::format("{{sample: {}, stratified: {}}}", e.architectures.count, yaml_bool(e.architectures.stratified)));
      break;
    case ArchitectureSelection::Kind::List:
      put(out, 2, "architectures", fmt::format("{{list: {}}}", yaml_string(e.architectures.file)));
      break;
    case ArchitectureSelection::Kind::Top:
      put(out, 2, "architectures", fmt::format("{{top: {}}}", e.architectures.count));
      break;
  }
  switch (e.bn) {
    case EvaluationSpec::BnMode::Running: put(out, 2, "bn", "running"); break;
    case EvaluationSpec::BnMode::Batch: put(out, 2, "bn", "batch"); break;
    case EvaluationSpec::BnMode::Recalibrate:
      put(out, 2, "bn", fmt::format("{{recalibrate: {}}}", e.recalibrate_batches));
      break;
  }
  put(out, 2, "batches", std::to_string(e.batches));
  put(out, 2, "batch_size", std::to_string(e.batch_size));

  const GroundTruthSpec& g = spec.ground_truth;
  put(out, 0, "ground_truth", "");
  put(out, 2, "source", g.source);
  put(out, 2, "file", yaml_string(g.file));
  put(out, 2, "column", yaml_string(g.column));
  put(out, 2, "join", g.join);
  put(out, 2, "stand_alone", "");
  put(out, 4, "epochs", std::to_string(g.stand_alone.epochs));
  put(out, 4, "batch_size", std::to_string(g.stand_alone.batch_size));
  put(out, 4, "learning_rate", yaml_float(g.stand_alone.learning_rate));
  put(out, 4, "architectures", std::to_string(g.stand_alone.architectures));

  put(out, 0, "output", "");
  put(out, 2, "dir", yaml_string(spec.output.dir));
  put(out, 2, "checkpoint_every_epoch", yaml_bool(spec.output.checkpoint_every_epoch));
  return out;
}

}  // namespace spbench
