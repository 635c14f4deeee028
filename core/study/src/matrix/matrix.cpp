#include "spbench/study/matrix/matrix.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <set>

#include "spbench/study/ground_truth/stand_alone.hpp"
#include "spbench/util/hash.hpp"
#include "spbench/util/yaml_quoting.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;

namespace {

// A plain scalar that YAML reads back as the same text in flow context.
bool plain_scalar_is_safe(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return false;
  if (std::string("-?:,[]{}#&*!|>'\"%@`").find(s.front()) != std::string::npos &&
      !(s.front() == '-' && s.size() > 1 && s[1] != ' '))
    return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '#' || c == '\n' || c == '"') return false;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return false;
  }
  return true;
}

std::string flow_scalar(const std::string& s) {
  return plain_scalar_is_safe(s) ? s : util::yaml_double_quoted(s);
}

std::string cell_name(const std::vector<AxisValue>& axes, bool skip_seed) {
  std::vector<std::string> parts;
  for (const auto& a : axes)
    if (!(skip_seed && a.key == kSeedAxis)) parts.push_back(a.key + "=" + a.value);
  return fmt::format("{}", fmt::join(parts, ","));
}

// Cells as assignments of canonical values, in expansion order.
struct Assignment {
  std::vector<AxisValue> axes;
};

bool matches(const Assignment& cell, const std::vector<std::pair<std::string, std::string>>& entry) {
  for (const auto& [key, value] : entry) {
    auto it = std::find_if(cell.axes.begin(), cell.axes.end(), [&](const AxisValue& a) { return a.key == key; });
    if (it == cell.axes.end() || it->value != value) return false;
  }
  return true;
}

SlurmSettings read_slurm(const SpecNode& node, std::vector<Diagnostic>& diagnostics) {
  SlurmSettings s;
  if (!node.is_map()) {
    diagnostics.push_back({node.location, "slurm", "expected a map {partition, time, cpus, gpus, mem}, got " + node.describe(), ""});
    return s;
  }
  const std::vector<std::string> known = {"partition", "time", "cpus", "gpus", "mem"};
  for (const auto& entry : node.children) {
    const std::string path = "slurm." + entry.key;
    if (std::find(known.begin(), known.end(), entry.key) == known.end()) {
      const std::string guess = closest_match(entry.key, known);
      diagnostics.push_back({entry.key_location, path, "unknown key",
                             guess.empty() ? "known keys: partition, time, cpus, gpus, mem"
                                           : fmt::format("did you mean '{}'?", guess)});
      continue;
    }
    if (!entry.is_scalar()) {
      diagnostics.push_back({entry.location, path, "expected a scalar, got " + entry.describe(), ""});
      continue;
    }
    if (entry.key == "cpus" || entry.key == "gpus") {
      const std::string& t = entry.scalar;
      if (t.empty() || !std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); })) {
        diagnostics.push_back({entry.location, path, fmt::format("expected an integer >= 0, got '{}'", t), ""});
        continue;
      }
      (entry.key == "cpus" ? s.cpus : s.gpus) = std::stoi(t);
    } else if (entry.key == "partition") {
      s.partition = entry.scalar;
    } else if (entry.key == "time") {
      s.time = entry.scalar;
    } else {
      s.mem = entry.scalar;
    }
  }
  return s;
}

// Reads one include/exclude entry: a map of axis key → single value.
std::vector<std::pair<std::string, std::string>> read_entry(const SpecNode& entry, const std::string& path,
                                                            std::vector<Diagnostic>& diagnostics,
                                                            std::vector<SourceLocation>* locations) {
  std::vector<std::pair<std::string, std::string>> out;
  if (!entry.is_map() || entry.children.empty()) {
    diagnostics.push_back({entry.location, path, "expected a map of axis values, e.g. {sampler: uniform}, got " + entry.describe(), ""});
    return out;
  }
  for (const auto& kv : entry.children) {
    out.emplace_back(kv.key, flow_text(kv));
    if (locations) locations->push_back(kv.location);
  }
  return out;
}

// The values of `seeds:`: N (seeds 0 … N-1) or a list of distinct integers
// >= 0, as the seed axis' flow texts. A seed that is not a plain integer would
// reach the spec's validation as a confusing "seed: expected an integer".
std::vector<std::pair<std::string, SourceLocation>> seed_values(const SpecNode& entry,
                                                                std::vector<Diagnostic>& diagnostics) {
  std::vector<std::pair<std::string, SourceLocation>> out;
  auto integer = [](const std::string& t) {
    return !t.empty() && t.size() <= 9 && std::all_of(t.begin(), t.end(), [](unsigned char c) { return std::isdigit(c); });
  };
  const std::string hint = "write `seeds: 5` (seeds 0 to 4) or `seeds: [0, 3, 7]`";
  if (entry.is_scalar()) {
    if (!integer(entry.scalar) || std::stol(entry.scalar) < 1) {
      diagnostics.push_back({entry.location, "matrix.seeds",
                             fmt::format("expected a number of seeds >= 1 or a list of seeds, got '{}'", entry.scalar), hint});
      return out;
    }
    const long n = std::stol(entry.scalar);
    for (long i = 0; i < n; ++i) out.emplace_back(std::to_string(i), entry.location);
    return out;
  }
  if (!entry.is_sequence() || entry.children.empty()) {
    diagnostics.push_back({entry.location, "matrix.seeds",
                           "expected a number of seeds or a non-empty list of seeds, got " + entry.describe(), hint});
    return out;
  }
  std::set<long> seen;
  for (const auto& v : entry.children) {
    if (!v.is_scalar() || !integer(v.scalar)) {
      diagnostics.push_back({v.location, "matrix.seeds",
                             fmt::format("expected a seed (an integer >= 0), got {}", v.is_scalar() ? "'" + v.scalar + "'" : v.describe()), hint});
      continue;
    }
    // The canonical text ("07" → "7"), so that `seeds:` and `seed:` name the same cells.
    const long seed = std::stol(v.scalar);
    if (!seen.insert(seed).second) {
      diagnostics.push_back({v.location, "matrix.seeds", fmt::format("the seed {} appears twice", seed), ""});
      continue;
    }
    out.emplace_back(std::to_string(seed), v.location);
  }
  return out;
}

// Flattens a YAML document into "a.b.c" → flow text of each leaf (lists as
// one value: they are replaced as a whole, so a difference is a whole list).
void flatten(const YAML::Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
    return;
  }
  YAML::Emitter emitter;
  emitter.SetMapFormat(YAML::Flow);
  emitter.SetSeqFormat(YAML::Flow);
  emitter << node;
  out.emplace_back(prefix, emitter.c_str());
}

}  // namespace

std::string flow_text(const SpecNode& node) {
  switch (node.kind) {
    case SpecNode::Kind::Null: return "~";
    case SpecNode::Kind::Scalar: return flow_scalar(node.scalar);
    case SpecNode::Kind::Sequence: {
      std::vector<std::string> items;
      for (const auto& c : node.children) items.push_back(flow_text(c));
      return fmt::format("[{}]", fmt::join(items, ", "));
    }
    case SpecNode::Kind::Map: {
      std::vector<std::string> items;
      for (const auto& c : node.children)
        items.push_back(flow_scalar(c.key) + ": " + flow_text(c));
      return fmt::format("{{{}}}", fmt::join(items, ", "));
    }
  }
  return "~";
}

std::string cell_id(const std::vector<AxisValue>& axes) {
  std::vector<std::string> lines;
  for (const auto& a : axes) lines.push_back(a.key + "=" + a.value + "\n");
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const auto& line : lines) text += line;
  return util::fnv1a64_hex(text).substr(0, 8);
}

std::string Cell::group() const { return cell_name(axes, /*skip_seed=*/true); }

std::vector<std::string> Cell::sets() const {
  std::vector<std::string> out;
  for (const auto& a : axes) out.push_back(a.key + "=" + a.value);
  return out;
}

MatrixDefinition expand_matrix(SpecNode& root, std::vector<Diagnostic>& diagnostics) {
  MatrixDefinition def;
  if (const SpecNode* slurm = root.find("slurm")) {
    def.slurm = read_slurm(*slurm, diagnostics);
    root.erase("slurm");
  }
  const SpecNode* found = root.find("matrix");
  if (!found) {
    def.cells.push_back(Cell{0, cell_id({}), "", {}, 0});
    return def;
  }
  const SpecNode matrix = *found;
  root.erase("matrix");
  def.has_matrix = true;
  if (!matrix.is_map()) {
    diagnostics.push_back({matrix.location, "matrix", "expected a map of axes (key path: [values…]), got " + matrix.describe(), ""});
    return def;
  }

  // Axes in the order written; the first varies slowest.
  struct AxisDef {
    std::string key;
    std::vector<std::pair<std::string, SourceLocation>> values;
  };
  std::vector<AxisDef> axes;
  const SpecNode* include = nullptr;
  const SpecNode* exclude = nullptr;
  const SpecNode* seed_axis = matrix.find(kSeedAxis);
  for (const auto& entry : matrix.children) {
    if (entry.key == "include") {
      include = &entry;
      continue;
    }
    if (entry.key == "exclude") {
      exclude = &entry;
      continue;
    }
    if (entry.key == kSeedsShorthand) {
      // `seeds:` is the seed axis spelled as a count or a list of seeds; two
      // spellings of one axis would make the cells ambiguous.
      if (seed_axis) {
        diagnostics.push_back({entry.key_location, "matrix.seeds",
                               fmt::format("both `seeds:` and `seed:` are given (`seed:` at line {})",
                                           seed_axis->key_location.line),
                               "keep one: `seeds: 3` means `seed: [0, 1, 2]`"});
        continue;
      }
      AxisDef axis{kSeedAxis, {}};
      for (auto& [text, location] : seed_values(entry, diagnostics)) axis.values.emplace_back(text, location);
      if (axis.values.empty()) continue;
      axes.push_back(std::move(axis));
      def.axis_keys.push_back(kSeedAxis);
      continue;
    }
    const std::string path = "matrix." + entry.key;
    if (!entry.is_sequence() || entry.children.empty()) {
      diagnostics.push_back({entry.location, path, "expected a non-empty list of the axis' values, got " + entry.describe(),
                             fmt::format("write e.g. `{}: [a, b]`; a list value is itself a list: `[[a], [a, b]]`", entry.key)});
      continue;
    }
    AxisDef axis{entry.key, {}};
    std::set<std::string> seen;
    for (const auto& v : entry.children) {
      const std::string text = flow_text(v);
      if (!seen.insert(text).second) {
        diagnostics.push_back({v.location, path, fmt::format("the value {} appears twice", text), ""});
        continue;
      }
      axis.values.emplace_back(text, v.location);
    }
    axes.push_back(std::move(axis));
    def.axis_keys.push_back(entry.key);
  }

  std::vector<Assignment> cells;
  if (!axes.empty()) {
    std::vector<std::size_t> digit(axes.size(), 0);
    bool more = true;
    while (more) {
      Assignment a;
      for (std::size_t i = 0; i < axes.size(); ++i)
        a.axes.push_back({axes[i].key, axes[i].values[digit[i]].first, axes[i].values[digit[i]].second});
      cells.push_back(std::move(a));
      // Odometer: the last axis varies fastest; done when the first wraps.
      more = false;
      for (std::size_t i = axes.size(); i-- > 0;) {
        if (++digit[i] < axes[i].values.size()) {
          more = true;
          break;
        }
        digit[i] = 0;
      }
    }
  }

  if (exclude) {
    if (!exclude->is_sequence()) {
      diagnostics.push_back({exclude->location, "matrix.exclude", "expected a list of maps, got " + exclude->describe(), ""});
    } else {
      for (std::size_t e = 0; e < exclude->children.size(); ++e) {
        const SpecNode& node = exclude->children[e];
        const std::string path = fmt::format("matrix.exclude[{}]", e);
        auto entry = read_entry(node, path, diagnostics, nullptr);
        if (entry.empty()) continue;
        bool unknown = false;
        for (const auto& kv : node.children)
          if (std::find(def.axis_keys.begin(), def.axis_keys.end(), kv.key) == def.axis_keys.end()) {
            const std::string guess = closest_match(kv.key, def.axis_keys);
            diagnostics.push_back({kv.key_location, path + "." + kv.key, "not an axis of the matrix",
                                   guess.empty() ? "" : fmt::format("did you mean '{}'?", guess)});
            unknown = true;
          }
        if (unknown) continue;
        const auto before = cells.size();
        cells.erase(std::remove_if(cells.begin(), cells.end(), [&](const Assignment& a) { return matches(a, entry); }),
                    cells.end());
        if (cells.size() == before)
          diagnostics.push_back({node.location, path, "excludes no cell (no cell has all of these values)", ""});
      }
    }
  }
  if (include) {
    if (!include->is_sequence()) {
      diagnostics.push_back({include->location, "matrix.include", "expected a list of maps, got " + include->describe(), ""});
    } else {
      for (std::size_t e = 0; e < include->children.size(); ++e) {
        const SpecNode& node = include->children[e];
        std::vector<SourceLocation> locations;
        auto entry = read_entry(node, fmt::format("matrix.include[{}]", e), diagnostics, &locations);
        if (entry.empty()) continue;
        // Axis keys first, in axis order, then any other keys as written:
        // an included cell reads like the product's cells.
        Assignment a;
        for (const auto& key : def.axis_keys)
          for (std::size_t k = 0; k < entry.size(); ++k)
            if (entry[k].first == key) a.axes.push_back({key, entry[k].second, locations[k]});
        for (std::size_t k = 0; k < entry.size(); ++k)
          if (std::find(def.axis_keys.begin(), def.axis_keys.end(), entry[k].first) == def.axis_keys.end())
            a.axes.push_back({entry[k].first, entry[k].second, locations[k]});
        cells.push_back(std::move(a));
      }
    }
  }

  std::map<std::string, std::string> ids;  // id → name, for duplicates and collisions
  for (auto& a : cells) {
    Cell cell;
    cell.axes = a.axes;
    cell.id = cell_id(cell.axes);
    cell.name = cell_name(cell.axes, false);
    auto [it, inserted] = ids.emplace(cell.id, cell.name);
    if (!inserted) {
      if (it->second != cell.name && cell_id(cell.axes) == cell.id && !cell.axes.empty()) {
        // Equal ids for different assignments: vanishingly rare, but two
        // cells must never share a folder.
        diagnostics.push_back({cell.axes.front().location, "matrix",
                               fmt::format("cells '{}' and '{}' have the same id {}", it->second, cell.name, cell.id),
                               "change one value's spelling (e.g. quote it)"});
      }
      continue;  // an include that repeats a product cell
    }
    cell.index = def.cells.size();
    def.cells.push_back(std::move(cell));
  }
  if (def.cells.empty())
    diagnostics.push_back({matrix.location, "matrix", "the matrix has no cells (every combination was excluded)", ""});
  return def;
}

ResolvedMatrix resolve_matrix(const fs::path& file, const PluginCatalog& plugins, const LoadOptions& options,
                              std::vector<Diagnostic>& diagnostics) {
  ResolvedMatrix out;
  LoadedSpec base = load_spec_tree(file, options);
  out.file = base.file;
  if (!base.diagnostics.empty()) {
    diagnostics.insert(diagnostics.end(), base.diagnostics.begin(), base.diagnostics.end());
    return out;
  }
  out.definition = expand_matrix(base.root, diagnostics);
  if (!diagnostics.empty()) return out;
  {
    std::vector<Diagnostic> ignored;  // the base alone need not be valid: the axes may complete it
    out.base = validate_spec(base, plugins, ignored);
    out.base_valid = ignored.empty();
  }

  for (const Cell& cell : out.definition.cells) {
    LoadOptions cell_options = options;
    const auto axis_sets = cell.sets();
    cell_options.sets.insert(cell_options.sets.end(), axis_sets.begin(), axis_sets.end());
    LoadedSpec loaded = load_spec_tree(file, cell_options);
    std::vector<Diagnostic> ignored;
    expand_matrix(loaded.root, ignored);  // takes matrix: and slurm: out, as for the base
    std::vector<Diagnostic> found = loaded.diagnostics;
    ExperimentSpec spec = validate_spec(loaded, plugins, found);
    for (auto& d : found) {
      // A problem caused by an axis value points at the matrix section.
      for (const auto& a : cell.axes)
        if (d.location.file == "--set " + a.key + "=" + a.value) d.location = a.location;
      d.message = fmt::format("{} (cell {})", d.message, cell.name.empty() ? cell.id : cell.name);
    }
    if (!found.empty()) {
      diagnostics.insert(diagnostics.end(), found.begin(), found.end());
      continue;
    }
    ResolvedCell resolved{cell, spec, to_yaml(spec)};
    resolved.cell.epochs = spec.run.epochs;
    if (spec.ground_truth.source == GroundTruthSource::StandAlone) {
      // The folder the run's StandAloneTrainer will use (run_study): the
      // cache root below output.dir, then the configuration's hash.
      const auto config = ground_truth::stand_alone_config_of(spec, dataset_num_classes(spec.data.dataset),
                                                              dataset_input_channels(spec.data.dataset),
                                                              c10::Device(c10::kCPU));
      resolved.cell.ground_truth_trainings = spec.ground_truth.stand_alone.architectures;
      resolved.cell.ground_truth_epochs = spec.ground_truth.stand_alone.epochs;
      resolved.cell.ground_truth_cache =
          fs::absolute(fs::path(spec.output.dir) / ".standalone-cache" / ground_truth::config_hash(config))
              .lexically_normal()
              .string();
    }
    out.cells.push_back(std::move(resolved));
  }
  // The same problem in the base spec shows once per cell: keep the first.
  std::vector<Diagnostic> unique;
  std::set<std::string> seen;
  for (const auto& d : diagnostics) {
    std::string key = d.location.str() + "|" + d.key_path + "|" + d.message.substr(0, d.message.rfind(" (cell "));
    if (seen.insert(key).second) unique.push_back(d);
  }
  diagnostics = std::move(unique);
  return out;
}

std::vector<std::string> spec_differences(const std::string& from_yaml, const std::string& to_yaml_text) {
  std::vector<std::pair<std::string, std::string>> from, to;
  flatten(YAML::Load(from_yaml), "", from);
  flatten(YAML::Load(to_yaml_text), "", to);
  std::map<std::string, std::string> before(from.begin(), from.end());
  std::vector<std::string> out;
  for (const auto& [key, value] : to) {
    auto it = before.find(key);
    if (it == before.end())
      out.push_back(fmt::format("{}: (none) → {}", key, value));
    else if (it->second != value)
      out.push_back(fmt::format("{}: {} → {}", key, it->second, value));
  }
  std::map<std::string, std::string> after(to.begin(), to.end());
  for (const auto& [key, value] : from)
    if (!after.count(key)) out.push_back(fmt::format("{}: {} → (none)", key, value));
  return out;
}

}  // namespace spbench::matrix
