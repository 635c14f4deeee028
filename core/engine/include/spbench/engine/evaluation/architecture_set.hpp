#pragma once
// Which architectures a trained super-network scores (spec key
// `evaluation.architectures`), always restricted to the spec's operation
// subset. Every set is returned in ascending NAS-Bench-201 index order, so
// that results, shards and joins line up without further sorting.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/search_space.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"
#include "spbench/analysis/results/indexed_values.hpp"

namespace spbench::evaluation {

struct ArchitectureSet {
  std::vector<CellArch> architectures;  // ascending NAS-Bench-201 index
  // What was left out and why (list entries outside the space, samples
  // larger than the space, architectures without ground truth …).
  std::vector<std::string> notes;
};

// Resolves a selection over `space`.
//  all        every member of the space
//  unique     one member per NAS-Bench-201 isomorphism class (isomorphism_key)
//             among the members of the space: the one with the lowest index
//  sample K   K members drawn with `seed`; stratified: the members that have
//             a ground-truth value, sorted by it (ties by index), cut into K
//             equally large contiguous strata, one drawn from each
//  list FILE  the architectures of FILE (read_architecture_list); entries
//             outside the space are left out with a note
//  top K      the K members with the highest ground truth (ties: lower index)
// `truth` is needed by `top` and stratified samples (std::invalid_argument
// without it). K larger than what is available takes everything, with a note.
// The seed a spec's architecture sample is drawn with: the selection's own
// `seed` when given, else the run's.
std::uint64_t architecture_sample_seed(const ExperimentSpec& spec);

ArchitectureSet select_architectures(const ArchitectureSelection& selection, const SearchSpace& space,
                                     std::uint64_t seed, const tables::IndexedValues* truth = nullptr);

// One architecture per line: a NAS-Bench-201 index or an architecture
// string. Blank lines and text after '#' are ignored; a CSV file whose header
// names an `index` or `arch` column is read by that column. Duplicates are
// kept once. Throws std::runtime_error naming FILE:LINE for an entry that is
// neither.
std::vector<CellArch> read_architecture_list(const std::filesystem::path& file);

// `k` of `candidates` (sorted by `key` ascending, ties by NAS-Bench-201
// index), one from each of k equally large contiguous strata, drawn with
// `seed`; everything when k ≥ candidates. Returned in index order. `key` is
// aligned with `candidates`.
std::vector<CellArch> stratified_sample(const std::vector<CellArch>& candidates, const std::vector<double>& key,
                                        std::int64_t k, std::uint64_t seed);

// `k` of `candidates` uniformly without replacement, in index order.
std::vector<CellArch> uniform_sample(const std::vector<CellArch>& candidates, std::int64_t k, std::uint64_t seed);

// Sorts by NAS-Bench-201 index.
void sort_by_index(std::vector<CellArch>& archs);

}  // namespace spbench::evaluation
