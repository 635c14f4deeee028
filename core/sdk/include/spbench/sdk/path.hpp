#pragma once
// A path through the super-network: the operations to run in one forward pass.

#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"

namespace spbench {

// With topology sharing (the NAS-Bench-201 convention) a path holds a single
// cell architecture used by every cell. Without it, a path holds one
// architecture per cell, in network order (stage by stage).
struct Path {
  std::vector<CellArch> cells;

  static Path shared(const CellArch& arch) { return Path{{arch}}; }
  bool is_shared() const { return cells.size() == 1; }
  const CellArch& cell(std::size_t i) const { return is_shared() ? cells.front() : cells.at(i); }
  // The cell strings joined by ';' (just the one string for a shared path).
  std::string to_string() const;
};

}  // namespace spbench
