#include "spbench/util/yaml/spec_tree.hpp"

#include <fmt/format.h>

namespace spbench {

const SpecNode* SpecNode::find(const std::string& entry_key) const {
  if (kind != Kind::Map) return nullptr;
  for (const auto& child : children)
    if (child.key == entry_key) return &child;
  return nullptr;
}

SpecNode* SpecNode::find(const std::string& entry_key) {
  return const_cast<SpecNode*>(static_cast<const SpecNode*>(this)->find(entry_key));
}

SpecNode& SpecNode::set(const std::string& entry_key, SpecNode value) {
  value.key = entry_key;
  if (SpecNode* existing = find(entry_key)) {
    // Keep the key's original position unless the new value brings one.
    if (!value.key_location.has_position() && value.key_location.file.empty()) value.key_location = existing->key_location;
    *existing = std::move(value);
    return *existing;
  }
  children.push_back(std::move(value));
  return children.back();
}

bool SpecNode::erase(const std::string& entry_key) {
  for (auto it = children.begin(); it != children.end(); ++it) {
    if (it->key == entry_key) {
      children.erase(it);
      return true;
    }
  }
  return false;
}

std::string SpecNode::describe() const {
  switch (kind) {
    case Kind::Null: return "nothing";
    case Kind::Scalar: return fmt::format("'{}'", scalar);
    case Kind::Sequence: return "a list";
    case Kind::Map: return "a map";
  }
  return "?";
}

std::string SpecNode::to_flow() const {
  switch (kind) {
    case Kind::Null: return "~";
    case Kind::Scalar: return scalar;
    case Kind::Sequence: {
      std::string text = "[";
      for (std::size_t i = 0; i < children.size(); ++i) text += (i ? ", " : "") + children[i].to_flow();
      return text + "]";
    }
    case Kind::Map: {
      std::string text = "{";
      for (std::size_t i = 0; i < children.size(); ++i)
        text += (i ? ", " : "") + children[i].key + ": " + children[i].to_flow();
      return text + "}";
    }
  }
  return "?";
}

SpecNode SpecNode::make_scalar(std::string text, SourceLocation location) {
  SpecNode node;
  node.kind = Kind::Scalar;
  node.scalar = std::move(text);
  node.location = std::move(location);
  return node;
}

SpecNode SpecNode::make_map(SourceLocation location) {
  SpecNode node;
  node.kind = Kind::Map;
  node.location = std::move(location);
  return node;
}

SpecNode SpecNode::make_sequence(SourceLocation location) {
  SpecNode node;
  node.kind = Kind::Sequence;
  node.location = std::move(location);
  return node;
}

namespace {
bool is_plugin_selection_path(const std::string& path) { return path == "sampler" || path == "strategy"; }

const std::string* selection_name(const SpecNode& node) {
  const SpecNode* name = node.find("name");
  return name && name->is_scalar() ? &name->scalar : nullptr;
}

// Maps that choose one alternative ({sample: K} or {top: K}) rather than
// group settings: merging two of them would combine alternatives.
bool is_alternative_path(const std::string& path) {
  return path == "evaluation.architectures" || path == "evaluation.bn";
}

}  // namespace

void merge_into(SpecNode& base, const SpecNode& over, const std::string& path) {
  if (!base.is_map() || !over.is_map() || is_alternative_path(path)) {
    const std::string key = base.key;
    const SourceLocation key_location = base.key_location;
    base = over;
    base.key = key;
    if (!over.key_location.has_position() && over.key_location.file.empty()) base.key_location = key_location;
    return;
  }
  if (is_plugin_selection_path(path)) {
    const std::string* old_name = selection_name(base);
    const std::string* new_name = selection_name(over);
    if (old_name && new_name && *old_name != *new_name) {
      const std::string key = base.key;
      base = over;
      base.key = key;
      return;
    }
  }
  base.location = over.location;
  for (const auto& child : over.children) {
    const std::string child_path = path.empty() ? child.key : path + "." + child.key;
    if (SpecNode* existing = base.find(child.key)) {
      merge_into(*existing, child, child_path);
      existing->key_location = child.key_location;
    } else {
      base.children.push_back(child);
    }
  }
}

}  // namespace spbench
