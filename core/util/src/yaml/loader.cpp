#include "spbench/util/yaml/loader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace spbench {

namespace fs = std::filesystem;

namespace {

std::string index_path(const std::string& path, std::size_t index) { return fmt::format("{}[{}]", path, index); }

std::string child_path(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

fs::path absolute_normal(const fs::path& p) { return fs::absolute(p).lexically_normal(); }

class Loader {
 public:
  Loader(const LoadOptions& options, LoadedSpec& out) : options_(options), out_(out) {
    base_ = options.display_base.empty() ? fs::current_path() : absolute_normal(options.display_base);
  }

  // How a file is named in diagnostics: relative to the display base when
  // it lies below it, as a stable, short name.
  std::string display(const fs::path& file) const {
    fs::path relative = file.lexically_relative(base_);
    if (relative.empty()) return file.string();
    return relative.generic_string();
  }

  void error(SourceLocation location, std::string key_path, std::string message, std::string hint = {}) {
    out_.diagnostics.push_back(Diagnostic{std::move(location), std::move(key_path), std::move(message), std::move(hint)});
  }

  // A file with its includes merged in (includes first, in order, then the
  // file's own keys). `chain` holds the files being loaded, outermost first,
  // for cycle detection.
  SpecNode load_file(const fs::path& file, std::vector<fs::path>& chain) {
    out_.files.push_back(file);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      error(SourceLocation{display(file), 0, 0}, "", "cannot read the spec file");
      return SpecNode::make_map(SourceLocation{display(file), 0, 0});
    }
    std::stringstream text;
    text << in.rdbuf();
    return load_text(text.str(), display(file), file.parent_path(), chain);
  }

  SpecNode load_text(const std::string& text, const std::string& name, const fs::path& directory,
                     std::vector<fs::path>& chain) {
    SpecNode doc = parse(text, name);
    normalize(doc, "", directory);

    SpecNode merged = SpecNode::make_map(doc.location);
    if (const SpecNode* include = doc.find("include")) {
      std::vector<std::pair<const SpecNode*, std::string>> items;
      if (include->is_scalar()) {
        items.emplace_back(include, "include");
      } else if (include->is_sequence()) {
        for (std::size_t i = 0; i < include->children.size(); ++i)
          items.emplace_back(&include->children[i], index_path("include", i));
      } else if (!include->is_null()) {
        error(include->location, "include", fmt::format("expected a file name or a list of file names, got {}",
                                                        include->describe()));
      }
      for (const auto& [item, item_path] : items) {
        if (!item->is_scalar() || item->scalar.empty()) {
          error(item->location, item_path, fmt::format("expected a file name, got {}", item->describe()));
          continue;
        }
        const fs::path target = absolute_normal(directory / item->scalar);
        if (std::find(chain.begin(), chain.end(), target) != chain.end()) {
          std::string cycle;
          auto start = std::find(chain.begin(), chain.end(), target);
          for (auto it = start; it != chain.end(); ++it) cycle += display(*it) + " → ";
          cycle += display(target);
          error(item->location, item_path, "include cycle: " + cycle);
          continue;
        }
        std::error_code ec;
        if (!fs::is_regular_file(target, ec)) {
          const std::string shown = display(target);
          error(item->location, item_path,
                shown == item->scalar
                    ? fmt::format("cannot find the included file '{}'", item->scalar)
                    : fmt::format("cannot find the included file '{}' (looked for {})", item->scalar, shown));
          continue;
        }
        chain.push_back(target);
        SpecNode included = load_file(target, chain);
        chain.pop_back();
        merge_into(merged, included);
      }
      doc.erase("include");
    }
    merge_into(merged, doc);
    return merged;
  }

  void apply_set(const std::string& text, SpecNode& root) {
    const SourceLocation location{"--set " + text, 0, 0};
    const auto equals = text.find('=');
    if (equals == std::string::npos) {
      error(location, "", "expected KEY=VALUE (e.g. training.epochs=3)");
      return;
    }
    const std::string path_text = text.substr(0, equals);
    const std::string value_text = text.substr(equals + 1);

    // Split "variants[0].options.epsilon" into keys and indices.
    struct Step {
      bool is_index;
      std::string key;
      std::size_t index;
    };
    std::vector<Step> steps;
    std::size_t i = 0;
    bool ok = !path_text.empty();
    while (ok && i < path_text.size()) {
      if (path_text[i] == '[') {
        const auto close = path_text.find(']', i);
        const std::string digits = close == std::string::npos ? "" : path_text.substr(i + 1, close - i - 1);
        if (digits.empty() || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); }) ||
            steps.empty()) {
          ok = false;
          break;
        }
        steps.push_back({true, "", static_cast<std::size_t>(std::stoull(digits))});
        i = close + 1;
        if (i < path_text.size() && path_text[i] != '.' && path_text[i] != '[') ok = false;
        if (i < path_text.size() && path_text[i] == '.') ++i;
        if (i == path_text.size() && path_text.back() == '.') ok = false;
      } else {
        std::size_t end = i;
        while (end < path_text.size() && path_text[end] != '.' && path_text[end] != '[') ++end;
        std::string key = path_text.substr(i, end - i);
        if (key.empty() || key.find_first_of(" \t") != std::string::npos) {
          ok = false;
          break;
        }
        steps.push_back({false, key, 0});
        i = end;
        if (i < path_text.size() && path_text[i] == '.') {
          ++i;
          if (i == path_text.size()) ok = false;
        }
      }
    }
    if (!ok || steps.empty()) {
      error(location, "", fmt::format("'{}' is not a key path (expected names separated by '.', list indices as [N], "
                                      "e.g. variants[0].options.epsilon)",
                                      path_text));
      return;
    }

    SpecNode value;
    try {
      value = convert(YAML::Load(value_text), location.file, location);
    } catch (const YAML::Exception& e) {
      error(location, path_text, fmt::format("cannot parse the value '{}' as YAML: {}", value_text, e.msg));
      return;
    }

    SpecNode* node = &root;
    std::string path;     // as written, for messages
    std::string pattern;  // with [*] for indices, for normalize()
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const Step& step = steps[s];
      const bool last = s + 1 == steps.size();
      if (step.is_index) {
        if (!node->is_sequence()) {
          error(location, path, fmt::format("cannot index {} with [{}]: it is {}, not a list", path, step.index,
                                            node->describe()));
          return;
        }
        if (step.index >= node->children.size()) {
          error(location, path,
                fmt::format("index [{}] is out of range: the list has {} entr{}", step.index, node->children.size(),
                            node->children.size() == 1 ? "y" : "ies"));
          return;
        }
        path = index_path(path, step.index);
        pattern += "[*]";
        node = &node->children[step.index];
        if (last) {
          normalize(value, pattern, fs::current_path());
          merge_into(*node, value, pattern);
        }
        continue;
      }
      path = child_path(path, step.key);
      pattern = child_path(pattern, step.key);
      if (node->is_null()) {
        const std::string key = node->key;
        *node = SpecNode::make_map(location);
        node->key = key;
      }
      if (!node->is_map()) {
        error(location, path,
              fmt::format("cannot set '{}' inside {}: it is {}, not a map", step.key,
                          path.substr(0, path.size() - step.key.size() - (path.size() > step.key.size() ? 1 : 0)),
                          node->describe()));
        return;
      }
      SpecNode* child = node->find(step.key);
      if (last) {
        normalize(value, pattern, fs::current_path());
        value.key_location = location;
        if (child) {
          merge_into(*child, value, pattern);
          child->key_location = location;
        } else {
          node->set(step.key, value).key_location = location;
        }
        return;
      }
      if (!child) {
        SpecNode fresh = SpecNode::make_map(location);
        fresh.key_location = location;
        child = &node->set(step.key, std::move(fresh));
      }
      node = child;
    }
  }

  // Every node of the value gets `location`: the text's own positions mean
  // nothing to a user (it is a default or a command-line value).
  SpecNode convert_value(const YAML::Node& yaml, const SourceLocation& location) {
    SpecNode node = convert(yaml, location.file, SourceLocation{location.file, 0, 0});
    relocate(node, location);
    return node;
  }

  static void relocate(SpecNode& node, const SourceLocation& location) {
    node.location = location;
    if (!node.key.empty()) node.key_location = location;
    for (auto& child : node.children) relocate(child, location);
  }

 private:
  SpecNode parse(const std::string& text, const std::string& name) {
    const SourceLocation file_location{name, 0, 0};
    YAML::Node yaml;
    try {
      yaml = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      SourceLocation at = file_location;
      if (e.mark.line >= 0) at = SourceLocation{name, e.mark.line + 1, e.mark.column + 1};
      error(at, "", "YAML syntax error: " + e.msg);
      return SpecNode::make_map(file_location);
    }
    SpecNode doc = convert(yaml, name, SourceLocation{name, 1, 1});
    if (doc.is_null()) return SpecNode::make_map(SourceLocation{name, 1, 1});
    if (!doc.is_map()) {
      error(doc.location, "", fmt::format("expected a map of keys at the top of the spec, got {}", doc.describe()));
      return SpecNode::make_map(doc.location);
    }
    return doc;
  }

  // YAML aliases make a document a graph: `a: &x [*x]` refers to itself, and
  // ten nested aliases of ten items each expand to 10^10 values. Both are cut
  // off with an error instead of recursing without end. No real spec comes
  // near either limit (the longest list, every NAS-Bench-201 architecture,
  // has 15,625 values).
  static constexpr int kMaxDepth = 100;
  static constexpr std::size_t kMaxValues = 100000;

  SpecNode convert(const YAML::Node& yaml, const std::string& name, const SourceLocation& fallback,
                   const std::string& path = "") {
    std::size_t values = 0;
    bool reported = false;
    return convert_limited(yaml, name, fallback, path, 0, values, reported);
  }

  SpecNode convert_limited(const YAML::Node& yaml, const std::string& name, const SourceLocation& fallback,
                           const std::string& path, int depth, std::size_t& values, bool& reported) {
    SourceLocation location = fallback;
    const YAML::Mark mark = yaml.Mark();
    if (mark.line >= 0 && fallback.has_position()) location = SourceLocation{name, mark.line + 1, mark.column + 1};
    if (depth > kMaxDepth || ++values > kMaxValues) {
      if (!reported)
        error(location, path,
              depth > kMaxDepth
                  ? fmt::format("values nested more than {} levels deep (an alias that refers to itself?)", kMaxDepth)
                  : fmt::format("more than {} values once aliases are expanded", kMaxValues));
      reported = true;
      SpecNode node;
      node.location = location;
      return node;
    }

    switch (yaml.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null: {
        SpecNode node;
        node.location = location;
        return node;
      }
      case YAML::NodeType::Scalar: return SpecNode::make_scalar(yaml.Scalar(), location);
      case YAML::NodeType::Sequence: {
        SpecNode node = SpecNode::make_sequence(location);
        std::size_t index = 0;
        for (const auto& item : yaml)
          node.children.push_back(
              convert_limited(item, name, location, index_path(path, index++), depth + 1, values, reported));
        return node;
      }
      case YAML::NodeType::Map: {
        SpecNode node = SpecNode::make_map(location);
        for (const auto& entry : yaml) {
          SourceLocation key_location = location;
          const YAML::Mark key_mark = entry.first.Mark();
          if (key_mark.line >= 0 && fallback.has_position())
            key_location = SourceLocation{name, key_mark.line + 1, key_mark.column + 1};
          if (!entry.first.IsScalar()) {
            error(key_location, path, "expected a plain key name, got a list or map as a key");
            continue;
          }
          const std::string key = entry.first.Scalar();
          if (const SpecNode* previous = node.find(key)) {
            error(key_location, child_path(path, key),
                  fmt::format("duplicate key (first set at line {})", previous->key_location.line));
            continue;
          }
          // A key without a value ("epochs:") has no mark of its own.
          SpecNode child =
              convert_limited(entry.second, name, key_location, child_path(path, key), depth + 1, values, reported);
          child.key = key;
          child.key_location = key_location;
          node.children.push_back(std::move(child));
        }
        return node;
      }
    }
    return SpecNode{};
  }

  // Rewrites one document (a file's keys or a --set value at `pattern`) into
  // the canonical form that merging expects: plugin shorthands become
  // {name: …} maps, and file names that are relative to the document's
  // folder become absolute.
  void normalize(SpecNode& node, const std::string& pattern, const fs::path& directory) {
    if (pattern.empty()) {
      if (node.is_map())
        for (auto& child : node.children) normalize(child, child.key, directory);
    } else if (pattern == "sampler" || pattern == "strategy" || pattern == "variants[*]") {
      if (node.is_scalar()) {
        SpecNode name = SpecNode::make_scalar(node.scalar, node.location);
        name.key_location = node.location;
        SpecNode map = SpecNode::make_map(node.location);
        map.key = node.key;
        map.key_location = node.key_location;
        map.set("name", std::move(name));
        node = std::move(map);
      }
    } else if (pattern == "variants" || pattern == "plugin_paths") {
      if (node.is_sequence())
        for (auto& item : node.children) normalize(item, pattern + "[*]", directory);
    } else if (pattern == "plugin_paths[*]" || pattern == "evaluation.architectures.list") {
      if (node.is_scalar() && !node.scalar.empty() && fs::path(node.scalar).is_relative())
        node.scalar = absolute_normal(directory / node.scalar).string();
    } else if (pattern == "evaluation" || pattern == "evaluation.architectures") {
      if (node.is_map())
        for (auto& child : node.children) normalize(child, pattern + "." + child.key, directory);
    }
  }

  const LoadOptions& options_;
  LoadedSpec& out_;
  fs::path base_;
};

}  // namespace

LoadedSpec load_spec_tree(const fs::path& file, const LoadOptions& options) {
  LoadedSpec out;
  out.file = absolute_normal(file);
  Loader loader(options, out);
  std::vector<fs::path> chain{out.file};
  out.root = loader.load_file(out.file, chain);
  out.sets = options.sets;
  for (const auto& set : options.sets) loader.apply_set(set, out.root);
  return out;
}

LoadedSpec load_spec_text(const std::string& text, const std::string& name, const fs::path& directory,
                          const LoadOptions& options) {
  LoadedSpec out;
  out.file = absolute_normal(directory / name);
  Loader loader(options, out);
  std::vector<fs::path> chain{out.file};
  out.root = loader.load_text(text, name, absolute_normal(directory), chain);
  out.sets = options.sets;
  for (const auto& set : options.sets) loader.apply_set(set, out.root);
  return out;
}

}  // namespace spbench

namespace spbench {

SpecNode parse_yaml_value(const std::string& yaml_text, const SourceLocation& location) {
  LoadedSpec scratch;
  Loader loader(LoadOptions{}, scratch);
  try {
    return loader.convert_value(YAML::Load(yaml_text), location);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(e.msg);
  }
}

}  // namespace spbench
