#pragma once
// Reading a spec file: YAML parsing, `include:` resolution, deep merging and
// `--set` overrides. Produces the merged SpecNode tree plus every problem
// found on the way; nothing is thrown for a bad spec.

#include <filesystem>
#include <string>
#include <vector>

#include "spbench/util/yaml/diagnostic.hpp"
#include "spbench/util/yaml/spec_tree.hpp"

namespace spbench {

struct LoadOptions {
  // `--set a.b.c=value` overrides, applied in order after all files.
  std::vector<std::string> sets;
  // File names in diagnostics are shown relative to this folder (absolute
  // when they lie elsewhere on another root). Empty: the current directory.
  std::filesystem::path display_base;
};

struct LoadedSpec {
  std::filesystem::path file;                // the top-level spec, absolute
  std::vector<std::filesystem::path> files;  // every file read, absolute, in reading order
  std::vector<std::string> sets;             // the --set overrides applied, in order
  SpecNode root;                             // the merged tree (a map), without `include`
  std::vector<Diagnostic> diagnostics;
};

// Loads `file` with its includes and applies `options.sets`. Relative
// `plugin_paths` entries and `evaluation.architectures.list` files are made
// absolute here, against the folder of the file that names them (the
// current directory for `--set`), since only the loader still knows that
// file.
LoadedSpec load_spec_tree(const std::filesystem::path& file, const LoadOptions& options = {});

// Loads a spec given as text (tests; `name` stands in for the file name in
// diagnostics and relative includes resolve against `directory`).
LoadedSpec load_spec_text(const std::string& text, const std::string& name, const std::filesystem::path& directory,
                          const LoadOptions& options = {});

}  // namespace spbench

namespace spbench {

// Parses one YAML value (a plugin option's default, a --set value) into a
// node located at `location`; throws std::runtime_error on a syntax error.
SpecNode parse_yaml_value(const std::string& yaml_text, const SourceLocation& location);

}  // namespace spbench
