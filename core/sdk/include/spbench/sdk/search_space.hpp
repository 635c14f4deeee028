#pragma once
// A (sub)space of NAS-Bench-201 cells: an allowed operation set per edge.
// The user's operation subset gives every edge the same set; a few-shot
// strategy's sub-super-network fixes the operation on its split edges.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/operation.hpp"

namespace spbench {

class SearchSpace {
 public:
  // The full NAS-Bench-201 space.
  SearchSpace();
  // Every edge allows `ops`.
  explicit SearchSpace(OpSet ops);

  const OpSet& edge_ops(int edge) const { return edges_.at(edge); }
  // A copy where `edge` allows only `op` (few-shot split). Throws
  // std::invalid_argument when `edge` does not allow `op` here, and
  // std::out_of_range for an edge outside 0…5.
  SearchSpace with_edge_fixed(int edge, Op op) const;
  // The union of all edges' sets.
  OpSet ops() const;

  bool contains(const CellArch& arch) const;
  // Number of architectures (product of the per-edge set sizes).
  std::int64_t size() const;
  // All members, in ascending NAS-Bench-201 index order.
  std::vector<CellArch> enumerate() const;
  // A readable description, e.g. "{none, skip_connect, …} on every edge".
  std::string describe() const;

  bool operator==(const SearchSpace& o) const { return edges_ == o.edges_; }

 private:
  std::array<OpSet, kNumEdges> edges_;
};

}  // namespace spbench
