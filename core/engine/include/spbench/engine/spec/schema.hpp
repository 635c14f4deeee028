#pragma once
// The spec schema: every key of an experiment spec declared once, with its
// type, default, range or choices and one line of documentation. The
// declarations drive the validator (spec/validate.cpp: unknown-key checks,
// parsing, range and choice checks, defaults), the resolved-spec printer
// (to_yaml), ExperimentSpec's operator== and docs/spec.md's key reference
// (test_spec_schema.cpp fails when the document and the schema disagree).
//
// Adding a key: one declaration in spec_schema() (core/engine/src/spec/schema.cpp)
// plus the ExperimentSpec field and the code that uses it. Keys whose value is
// not a plain scalar (plugin selections, the operation list, the one-of maps
// evaluation.architectures and evaluation.bn, device, plugin_paths) are
// declared as Custom: their parsing lives in the validator, keyed by path.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/sdk/value_range.hpp"

namespace spbench {

enum class SpecKeyType { Section, Int, Float, Bool, String, Choice, Custom };

// A typed key's value: Int, Float, Bool, or the spelling of a String/Choice.
using SpecValue = std::variant<std::int64_t, double, bool, std::string>;

struct SpecKey {
  std::string path;  // "training.epochs"; schema order is the resolved spec's order
  SpecKeyType type = SpecKeyType::Section;
  std::string doc;           // one line: docs/spec.md's "meaning" column
  std::string type_text;     // docs' "type" column (derived from type, range and choices)
  std::string default_text;  // docs' "default" column

  std::int64_t min = 0, max = 0;     // Int: inclusive bounds
  ValueRange range;                  // Float
  std::vector<std::string> choices;  // Choice: the spellings, in the enum's order
  bool allow_empty = false;          // String: '' is a value
  std::vector<std::string> subkeys;  // Custom maps: the keys accepted inside

  // Typed keys: read and write the field; `fallback` is the default, which
  // may depend on keys declared before (data.root on data.dataset).
  std::function<SpecValue(const ExperimentSpec&)> get;
  std::function<void(ExperimentSpec&, const SpecValue&)> set;
  std::function<SpecValue(const ExperimentSpec&)> fallback;
  // Every key but a Section: its lines of the resolved spec ("  epochs: 3\n").
  std::function<void(std::string& out, const ExperimentSpec&)> print;

  std::string leaf() const;    // "epochs"
  std::string parent() const;  // "training"; "" at the top level
  int depth() const;           // 0 at the top level
};

// Every key, sections before their keys, in the order of the resolved spec.
const std::vector<SpecKey>& spec_schema();
const SpecKey* find_spec_key(const std::string& path);

// The keys each map accepts, by the map's path ("" for the top level,
// "plugin" for a plugin selection's {name, options}).
const std::map<std::string, std::vector<std::string>>& spec_schema_sections();

}  // namespace spbench
