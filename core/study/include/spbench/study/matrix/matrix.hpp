#pragma once
// Matrix experiments: a spec with a top-level `matrix:` section names axes
// (any key path of the spec) and their values; the cells are the Cartesian
// product of the axes, less `exclude:` entries, plus `include:` entries.
// Each cell is the base spec with its axis values applied as `--set`
// overrides, validated like any spec. docs/matrix.md describes the syntax.
//
//   matrix:
//     sampler: [uniform, strict-fair]
//     strategy: [one-shot, few-shot]
//     seeds: 3                      # the seed axis: seed: [0, 1, 2]
//     exclude: [{sampler: uniform, strategy: few-shot}]
//   slurm: {partition: short, time: "01:00:00", cpus: 4}
//
// `matrix:` and `slurm:` belong to this layer, not to the experiment schema:
// they are taken out of the tree before each cell is validated.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spbench/util/yaml/diagnostic.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/util/yaml/loader.hpp"
#include "spbench/engine/spec/spec.hpp"
#include "spbench/util/yaml/spec_tree.hpp"

namespace spbench::matrix {

// One axis value of a cell: the key path and the value as YAML flow text
// (what a `--set key=value` would say).
struct AxisValue {
  std::string key;
  std::string value;
  SourceLocation location;  // where the value was written in the matrix section
};

// The key of the axis whose cells are repetitions rather than variations:
// the table groups cells that differ only in it (mean ± std over seeds).
inline constexpr const char* kSeedAxis = "seed";
// `seeds: N` (seeds 0 … N-1) or `seeds: [0, 3, 7]` in the matrix section is
// the seed axis written as what it is; giving both `seeds:` and `seed:` is an error.
inline constexpr const char* kSeedsShorthand = "seeds";

struct Cell {
  std::size_t index = 0;  // position in the expansion (the Slurm array task id)
  std::string id;         // cell_id(axes): stable across reruns and machines
  std::string name;       // "sampler=strict-fair,strategy=few-shot"
  std::vector<AxisValue> axes;
  int epochs = 0;         // training epochs of the resolved spec (progress), 0 when unknown
  // Stand-alone ground truth (ground_truth.source: stand-alone), for the
  // matrix's progress and ETA: the architectures it trains, the epochs of
  // each, and the cache folder they land in; cells with the same folder
  // share the trainings. 0 / empty for other ground truth.
  std::int64_t ground_truth_trainings = 0;
  int ground_truth_epochs = 0;
  std::string ground_truth_cache;

  // The name without the seed axis: cells of one group differ only in seed.
  std::string group() const;
  // The axis values as `--set` arguments.
  std::vector<std::string> sets() const;
};

// Resource requests for the Slurm backend; empty / 0 means "not requested"
// (the cluster's default).
struct SlurmSettings {
  std::string partition;
  std::string time;  // HH:MM:SS or anything sbatch --time accepts
  std::string mem;   // e.g. 8G
  int cpus = 0;
  int gpus = 0;
};

struct MatrixDefinition {
  std::vector<std::string> axis_keys;  // in the order written
  std::vector<Cell> cells;
  SlurmSettings slurm;
  bool has_matrix = false;  // false: the spec has no `matrix:` section (one cell)
};

// The canonical YAML flow text of a value: scalars that YAML would read
// differently are double-quoted, maps and lists in flow style.
std::string flow_text(const SpecNode& node);

// First 8 hex digits of FNV-1a-64 over the sorted "key=value\n" lines of the
// assignment. Depends on nothing but the assignment, so a cell keeps its id
// (and its results folder) when other cells are added or axes reordered.
std::string cell_id(const std::vector<AxisValue>& axes);

// Reads the `matrix:` and `slurm:` sections of `root`, removes them from it,
// and expands the cells. Problems are appended to `diagnostics`.
MatrixDefinition expand_matrix(SpecNode& root, std::vector<Diagnostic>& diagnostics);

struct ResolvedCell {
  Cell cell;
  ExperimentSpec spec;
  std::string yaml;  // to_yaml(spec): written as the cell's cell.yaml
};

struct ResolvedMatrix {
  std::filesystem::path file;  // the matrix spec, absolute
  MatrixDefinition definition;
  ExperimentSpec base;         // the spec without any axis applied (valid when base_valid)
  bool base_valid = false;
  std::vector<ResolvedCell> cells;
};

// Loads `file` with `options.sets` (applied before every cell's axis values),
// expands the matrix and validates every cell. Every problem of every cell is
// appended to `diagnostics`; an axis value's problem points at the place the
// value was written in the matrix section and names the cell.
ResolvedMatrix resolve_matrix(const std::filesystem::path& file, const PluginCatalog& plugins,
                              const LoadOptions& options, std::vector<Diagnostic>& diagnostics);

// The keys whose resolved values differ between two resolved specs, as
// "key.path: old → new" lines (keys in the order of `to`).
std::vector<std::string> spec_differences(const std::string& from_yaml, const std::string& to_yaml_text);

}  // namespace spbench::matrix
