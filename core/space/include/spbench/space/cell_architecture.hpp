#pragma once
// One NAS-Bench-201 cell: an operation on each of the 6 edges of a 4-node DAG.
//
// Edge numbering follows NAS-Bench-201's string order:
//   e0: 0→1 | e1: 0→2, e2: 1→2 | e3: 0→3, e4: 1→3, e5: 2→3
// i.e. the string |e0~0|+|e1~0|e2~1|+|e3~0|e4~1|e5~2|.

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "spbench/space/operation.hpp"

namespace spbench {

inline constexpr int kNumEdges = 6;
inline constexpr int kNumNodes = 4;

struct EdgeEnds {
  int from;
  int to;
};
// The (from, to) nodes of edge e (0..5).
constexpr EdgeEnds edge_ends(int e) {
  constexpr EdgeEnds ends[kNumEdges] = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};
  return ends[e];
}

// A malformed architecture string; `position` is the 0-based offset of the
// offending token in the input, `token` the token itself.
class ArchParseError : public std::runtime_error {
 public:
  ArchParseError(const std::string& message, std::size_t position, std::string token)
      : std::runtime_error(message), position_(position), token_(std::move(token)) {}
  std::size_t position() const { return position_; }
  const std::string& token() const { return token_; }

 private:
  std::size_t position_;
  std::string token_;
};

struct CellArch {
  std::array<Op, kNumEdges> ops{};

  // Exact NAS-Bench-201 string, e.g. |nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|…|
  std::string to_string() const;
  // Throws ArchParseError pointing at the offending token.
  static CellArch parse(std::string_view text);

  // Base-5 code with edge 0 as the most significant digit (0 … 15624): the
  // order in which NAS-Bench-201 generated its architectures before shuffling.
  int code() const;
  // Throws std::out_of_range outside 0 … 15624.
  static CellArch from_code(int code);

  bool operator==(const CellArch& o) const { return ops == o.ops; }
  bool operator!=(const CellArch& o) const { return ops != o.ops; }
  bool operator<(const CellArch& o) const { return ops < o.ops; }
};

inline constexpr int kNumArchitectures = 15625;

// NAS-Bench-201's own architecture index (its published order) and back.
// nb201_arch throws std::out_of_range outside 0 … 15624.
int nb201_index(const CellArch& arch);
CellArch nb201_arch(int index);

// True when some chain of non-`none` edges leads from node 0 to node 3.
bool has_input_output_path(const CellArch& arch);

// Canonical key of the NAS-Bench-201 isomorphism class (architectures with the
// same key compute the same function up to a relabelling of the
// intermediate nodes). Equal to NATS-Bench's "unique string" (nb201.csv
// column `iso_key`), e.g. "((0)@nor_conv_3x3)@avg_pool_3x3+(0)@nor_conv_3x3+0":
// each node is the sorted '+'-join of its input terms, `none` (or any edge
// out of a '#' node) is '#', skip_connect passes its input's string through,
// other operations give "(input)@op". 6,466 classes over the full space.
// The key is NATS-Bench's, quirks included: it does not merge every
// relabelling (with e2 = none, swapping nodes 1 and 2 changes the key,
// because node 2 keeps a '#' term for e2).
std::string isomorphism_key(const CellArch& arch);

// Functional equivalence under shared weights: the architecture with every
// edge that cannot change the super-network's output replaced by `none`.
// Two architectures are functionally equivalent iff their reduced forms are
// equal. The rule, precisely (reachability always follows non-`none` edges):
//  - affine BN (`non_affine_bn` false): an edge i->j becomes `none` when node
//    j is not node 3 and has no chain of non-`none` edges to node 3 (its
//    output is never used). Nothing else is removed: a conv edge fed by a
//    zero node still outputs BN's learnt shift, so zero inputs do not make
//    edges removable, and a cell whose node 3 receives only `none` reduces
//    to all-`none` by this rule alone. 12,205 classes (also collapsing
//    cells whose node 3 is fed only through zero nodes would give 12,101).
//  - non-affine BN (`non_affine_bn` true): additionally, a node is *zero*
//    when every incoming edge is `none` or leaves a zero node (node 0, the
//    cell input, never is); every edge leaving a zero node becomes `none`
//    (skip, pooling and a conv+BN without affine parameters all map zero to
//    zero). Both rules are applied until nothing changes. When node 3 is
//    zero this removes every edge, i.e. the cell collapses to all-`none`.
//    9,445 classes.
// 341 architectures (no input->output path) have a zero output under the
// non-affine rule and all reduce to all-`none`.
CellArch functional_reduction(const CellArch& arch, bool non_affine_bn);

}  // namespace spbench
