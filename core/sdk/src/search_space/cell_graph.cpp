// Graph properties of a cell: connectivity, isomorphism and functional
// equivalence under shared weights.

#include <algorithm>
#include <string>
#include <vector>

#include "spbench/sdk/cell_architecture.hpp"

namespace spbench {
namespace {

// Bit j set when node j has a chain of non-`none` edges to node 3.
unsigned nodes_reaching_output(const CellArch& arch) {
  unsigned reach = 1u << (kNumNodes - 1);
  // Edges only go forward, so one backward sweep over the nodes suffices.
  for (int node = kNumNodes - 2; node >= 0; --node)
    for (int e = 0; e < kNumEdges; ++e) {
      const EdgeEnds ends = edge_ends(e);
      if (ends.from == node && arch.ops[e] != Op::None && (reach >> ends.to & 1u)) reach |= 1u << node;
    }
  return reach;
}

}  // namespace

bool has_input_output_path(const CellArch& arch) { return nodes_reaching_output(arch) & 1u; }

// NATS-Bench's unique string: each node is the sorted '+'-join of its
// incoming terms, a term being
//   '#'                 for `none`, or for any edge leaving a node whose string is '#',
//   <input>             for skip_connect (identity adds nothing to the expression),
//   (<input>)@<op>      otherwise.
// Sorting the terms makes the key invariant to the order of a node's inputs,
// which is what identifies relabellings of nodes 1 and 2. Only a node with a
// single '#' term (node 1) becomes '#' itself: NATS-Bench does not simplify
// '#+#', and matching its strings exactly needs the same quirk.
std::string isomorphism_key(const CellArch& arch) {
  std::string node[kNumNodes];
  node[0] = "0";
  for (int to = 1; to < kNumNodes; ++to) {
    std::vector<std::string> terms;
    for (int e = 0; e < kNumEdges; ++e) {
      const EdgeEnds ends = edge_ends(e);
      if (ends.to != to) continue;
      const Op op = arch.ops[e];
      const std::string& in = node[ends.from];
      if (op == Op::None || in == "#")
        terms.emplace_back("#");
      else if (op == Op::SkipConnect)
        terms.push_back(in);
      else
        terms.push_back("(" + in + ")@" + std::string(op_name(op)));
    }
    std::sort(terms.begin(), terms.end());  // byte order, as Python's sorted()
    std::string joined;
    for (const auto& t : terms) {
      if (!joined.empty()) joined += '+';
      joined += t;
    }
    node[to] = std::move(joined);
  }
  return node[kNumNodes - 1];
}

CellArch functional_reduction(const CellArch& arch, bool non_affine_bn) {
  CellArch out = arch;
  // Each pass can only turn edges into `none`, so this terminates within a
  // few passes (at most one per edge).
  for (;;) {
    const unsigned reach = nodes_reaching_output(out);
    // Nodes whose value is exactly zero: every incoming edge is `none` or
    // leaves a zero node. Node 0 (the cell input) never is.
    unsigned zero = 0;
    for (int to = 1; to < kNumNodes; ++to) {
      bool all_zero = true;
      for (int e = 0; e < kNumEdges; ++e) {
        const EdgeEnds ends = edge_ends(e);
        if (ends.to == to && out.ops[e] != Op::None && !(zero >> ends.from & 1u)) all_zero = false;
      }
      if (all_zero) zero |= 1u << to;
    }
    CellArch next = out;
    for (int e = 0; e < kNumEdges; ++e) {
      const EdgeEnds ends = edge_ends(e);
      if (!(reach >> ends.to & 1u)) next.ops[e] = Op::None;
      if (non_affine_bn && (zero >> ends.from & 1u)) next.ops[e] = Op::None;
    }
    if (next == out) return out;
    out = next;
  }
}

}  // namespace spbench
