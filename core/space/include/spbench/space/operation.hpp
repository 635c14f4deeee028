#pragma once
// The five candidate operations of the NAS-Bench-201 cell, in NAS-Bench-201's
// own order (the order matters: it defines architecture indices).

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace spbench {

enum class Op : std::uint8_t { None = 0, SkipConnect = 1, NorConv1x1 = 2, NorConv3x3 = 3, AvgPool3x3 = 4 };

inline constexpr int kNumOps = 5;
inline constexpr std::array<Op, kNumOps> kAllOps = {Op::None, Op::SkipConnect, Op::NorConv1x1,
                                                    Op::NorConv3x3, Op::AvgPool3x3};

// "none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3".
std::string_view op_name(Op op);

// Every operation's name in kAllOps order, "|"-separated: the `choices` of a
// plugin option that names one operation (OptionSpec::with_choices). A
// literal, so that option schemas stay constant data; test_search_space
// checks it against op_name.
inline constexpr const char* kOpNameChoices = "none|skip_connect|nor_conv_1x1|nor_conv_3x3|avg_pool_3x3";
std::optional<Op> op_from_name(std::string_view name);

// A set of operations (a bit per Op), e.g. a search-space subset.
class OpSet {
 public:
  constexpr OpSet() = default;
  static constexpr OpSet all() { return OpSet(0x1f); }
  static constexpr OpSet of(Op op) { return OpSet(static_cast<std::uint8_t>(1u << static_cast<int>(op))); }

  constexpr bool contains(Op op) const { return (bits_ >> static_cast<int>(op)) & 1u; }
  constexpr OpSet with(Op op) const { return OpSet(bits_ | of(op).bits_); }
  constexpr OpSet without(Op op) const { return OpSet(bits_ & ~of(op).bits_); }
  constexpr bool empty() const { return bits_ == 0; }
  int size() const;
  constexpr std::uint8_t bits() const { return bits_; }
  // The members in NAS-Bench-201 order.
  std::array<Op, kNumOps> members(int* count) const;
  constexpr bool operator==(OpSet o) const { return bits_ == o.bits_; }
  constexpr bool operator!=(OpSet o) const { return bits_ != o.bits_; }

 private:
  constexpr explicit OpSet(std::uint8_t bits) : bits_(bits) {}
  std::uint8_t bits_ = 0;
};

}  // namespace spbench
