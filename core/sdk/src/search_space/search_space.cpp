#include "spbench/sdk/search_space.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace spbench {

SearchSpace::SearchSpace() : SearchSpace(OpSet::all()) {}

SearchSpace::SearchSpace(OpSet ops) { edges_.fill(ops); }

SearchSpace SearchSpace::with_edge_fixed(int edge, Op op) const {
  if (edge < 0 || edge >= kNumEdges)
    throw std::out_of_range(fmt::format("edge {} outside 0…{}", edge, kNumEdges - 1));
  if (!edges_[edge].contains(op))
    throw std::invalid_argument(fmt::format("cannot fix edge {} to {}: the space does not allow it there",
                                            edge, op_name(op)));
  SearchSpace out = *this;
  out.edges_[edge] = OpSet::of(op);
  return out;
}

OpSet SearchSpace::ops() const {
  OpSet all;
  for (const OpSet& s : edges_)
    for (Op op : kAllOps)
      if (s.contains(op)) all = all.with(op);
  return all;
}

bool SearchSpace::contains(const CellArch& arch) const {
  for (int e = 0; e < kNumEdges; ++e)
    if (!edges_[e].contains(arch.ops[e])) return false;
  return true;
}

std::int64_t SearchSpace::size() const {
  std::int64_t n = 1;
  for (const OpSet& s : edges_) n *= s.size();
  return n;
}

std::vector<CellArch> SearchSpace::enumerate() const {
  std::vector<CellArch> out;
  out.reserve(static_cast<std::size_t>(size()));
  // Walking the published index order is cheap (15,625 look-ups) and yields
  // members already sorted by NAS-Bench-201 index.
  for (int i = 0; i < kNumArchitectures; ++i) {
    CellArch arch = nb201_arch(i);
    if (contains(arch)) out.push_back(arch);
  }
  return out;
}

namespace {
std::string set_string(OpSet s) {
  std::string out = "{";
  for (Op op : kAllOps) {
    if (!s.contains(op)) continue;
    if (out.size() > 1) out += ", ";
    out += op_name(op);
  }
  return out + "}";
}
}  // namespace

std::string SearchSpace::describe() const {
  bool uniform = true;
  for (const OpSet& s : edges_) uniform = uniform && s == edges_[0];
  if (uniform) return fmt::format("{} on every edge ({} architectures)", set_string(edges_[0]), size());
  std::string out;
  for (int e = 0; e < kNumEdges; ++e) {
    const EdgeEnds ends = edge_ends(e);
    out += fmt::format("{}e{} ({}->{}): {}", e ? "; " : "", e, ends.from, ends.to, set_string(edges_[e]));
  }
  return out + fmt::format(" ({} architectures)", size());
}

}  // namespace spbench
