#pragma once
// The merged, still untyped spec: a YAML-like tree in which every node
// remembers where its value was set (the file and position of the spec or
// included spec, or the `--set` override). The loader builds it; the
// validator turns it into an ExperimentSpec. Kept free of yaml-cpp types so
// that users of the spec headers need not see yaml-cpp.

#include <string>
#include <vector>

#include "spbench/util/yaml/diagnostic.hpp"

namespace spbench {

struct SpecNode {
  enum class Kind { Null, Scalar, Sequence, Map };

  Kind kind = Kind::Null;
  std::string scalar;              // Scalar: the text as written (quotes removed)
  std::vector<SpecNode> children;  // Sequence items, or Map entries in file order
  std::string key;                 // for a Map entry: its key
  SourceLocation location;         // where the value starts
  SourceLocation key_location;     // for a Map entry: where the key is

  bool is_null() const { return kind == Kind::Null; }
  bool is_scalar() const { return kind == Kind::Scalar; }
  bool is_sequence() const { return kind == Kind::Sequence; }
  bool is_map() const { return kind == Kind::Map; }

  // Map lookup; nullptr when absent (or when this is not a map).
  const SpecNode* find(const std::string& entry_key) const;
  SpecNode* find(const std::string& entry_key);
  // Map insertion (or replacement of an existing entry, keeping its place).
  SpecNode& set(const std::string& entry_key, SpecNode value);
  bool erase(const std::string& entry_key);

  // "a scalar 'ten'", "a list", "a map", "nothing": for "expected X, got Y".
  std::string describe() const;
  // Compact YAML flow rendering, for tests and debugging.
  std::string to_flow() const;

  static SpecNode make_scalar(std::string text, SourceLocation location);
  static SpecNode make_map(SourceLocation location);
  static SpecNode make_sequence(SourceLocation location);
};

// Deep merge: maps merge key by key (recursively), everything else (lists,
// scalars, null) in `over` replaces what `base` had. A plugin selection
// ({name, options}) whose name changes is replaced as a whole, since one
// plugin's options mean nothing to another; so are the one-of maps
// evaluation.architectures and evaluation.bn ({sample: K} vs {top: K}).
void merge_into(SpecNode& base, const SpecNode& over, const std::string& path = "");

}  // namespace spbench
