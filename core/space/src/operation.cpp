#include "spbench/space/operation.hpp"

namespace spbench {

std::string_view op_name(Op op) {
  switch (op) {
    case Op::None: return "none";
    case Op::SkipConnect: return "skip_connect";
    case Op::NorConv1x1: return "nor_conv_1x1";
    case Op::NorConv3x3: return "nor_conv_3x3";
    case Op::AvgPool3x3: return "avg_pool_3x3";
  }
  return "?";
}

std::optional<Op> op_from_name(std::string_view name) {
  for (Op op : kAllOps)
    if (op_name(op) == name) return op;
  return std::nullopt;
}

int OpSet::size() const {
  int n = 0;
  for (Op op : kAllOps) n += contains(op) ? 1 : 0;
  return n;
}

std::array<Op, kNumOps> OpSet::members(int* count) const {
  std::array<Op, kNumOps> out{};
  int n = 0;
  for (Op op : kAllOps)
    if (contains(op)) out[n++] = op;
  if (count) *count = n;
  return out;
}

}  // namespace spbench
