#include "catch.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "csv_table.hpp"
#include "spbench/sdk/cell_architecture.hpp"
#include "spbench/sdk/operation.hpp"
#include "spbench/sdk/path.hpp"
#include "spbench/sdk/search_space.hpp"
#include "test_paths.hpp"

using namespace spbench;

namespace {

const test::CsvTable& nb201() {
  static const test::CsvTable table(test::nb201_csv().string());
  return table;
}

std::vector<CellArch> all_by_code() {
  std::vector<CellArch> out;
  for (int c = 0; c < kNumArchitectures; ++c) out.push_back(CellArch::from_code(c));
  return out;
}

const std::string kExample =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

// Parses `text`, expecting a failure at `position` with `token`.
void require_parse_error(const std::string& text, std::size_t position, const std::string& token) {
  INFO("input: '" << text << "'");
  try {
    CellArch::parse(text);
    FAIL("parse succeeded");
  } catch (const ArchParseError& e) {
    INFO("message: " << e.what());
    CHECK(e.position() == position);
    CHECK(e.token() == token);
    CHECK(std::string(e.what()).find(std::to_string(position)) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("Operation names round-trip and unknown names are rejected", "[search_space]") {
  std::set<std::string> names;
  for (Op op : kAllOps) {
    names.insert(std::string(op_name(op)));
    REQUIRE(op_from_name(op_name(op)) == op);
  }
  CHECK(names == std::set<std::string>{"none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"});
  CHECK_FALSE(op_from_name("conv_5x5").has_value());
  CHECK_FALSE(op_from_name("").has_value());
  CHECK_FALSE(op_from_name("None").has_value());
}

TEST_CASE("An operation set lists its members in NAS-Bench-201 order", "[search_space]") {
  const OpSet s = OpSet::of(Op::AvgPool3x3).with(Op::SkipConnect).with(Op::NorConv3x3);
  int n = -1;
  const auto members = s.members(&n);
  REQUIRE(n == 3);
  CHECK(s.size() == 3);
  CHECK(members[0] == Op::SkipConnect);
  CHECK(members[1] == Op::NorConv3x3);
  CHECK(members[2] == Op::AvgPool3x3);
  CHECK(OpSet::all().size() == 5);
  CHECK(OpSet().size() == 0);
  CHECK(s.without(Op::SkipConnect).size() == 2);
}

TEST_CASE("Every architecture survives a string and a code round trip", "[search_space]") {
  std::set<std::string> strings;
  for (int c = 0; c < kNumArchitectures; ++c) {
    const CellArch arch = CellArch::from_code(c);
    REQUIRE(arch.code() == c);
    const std::string s = arch.to_string();
    REQUIRE(CellArch::parse(s) == arch);
    strings.insert(s);
  }
  CHECK(strings.size() == static_cast<std::size_t>(kNumArchitectures));
  CHECK(CellArch::parse(kExample).to_string() == kExample);
  CHECK_THROWS_AS(CellArch::from_code(kNumArchitectures), std::out_of_range);
  CHECK_THROWS_AS(CellArch::from_code(-1), std::out_of_range);
}

TEST_CASE("The generation order puts edge 0 in the most significant digit", "[search_space]") {
  // NAS-Bench-201 enumerated edges left to right with ops in its own order,
  // so code 1 changes the last edge and code 5^5 the first.
  CHECK(CellArch::from_code(0).to_string() == "|none~0|+|none~0|none~1|+|none~0|none~1|none~2|");
  CHECK(CellArch::from_code(1).to_string() == "|none~0|+|none~0|none~1|+|none~0|none~1|skip_connect~2|");
  CHECK(CellArch::from_code(3125).to_string() == "|skip_connect~0|+|none~0|none~1|+|none~0|none~1|none~2|");
}

TEST_CASE("Malformed architecture strings are rejected at the offending token", "[search_space]") {
  SECTION("empty string") { require_parse_error("", 0, ""); }
  SECTION("unknown operation") {
    std::string s = kExample;
    s.replace(s.find("avg_pool_3x3"), 12, "conv_5x5");
    require_parse_error(s, s.find("conv_5x5"), "conv_5x5");
    try {
      CellArch::parse(s);
    } catch (const ArchParseError& e) {
      CHECK(std::string(e.what()).find("nor_conv_3x3") != std::string::npos);  // lists the choices
    }
  }
  SECTION("wrong input node") {
    std::string s = kExample;
    s.replace(s.find("avg_pool_3x3~1"), 14, "avg_pool_3x3~2");
    require_parse_error(s, s.find("~2"), "~2");
  }
  SECTION("missing input node") {
    std::string s = kExample;
    const auto at = s.find("skip_connect~0");
    s.replace(at, 14, "skip_connect");
    require_parse_error(s, at, "skip_connect");
  }
  SECTION("too few edges into a node") {
    const std::string s = "|nor_conv_3x3~0|+|nor_conv_3x3~0|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
    require_parse_error(s, s.find("|+|skip") + 1, "+");
  }
  SECTION("too many edges into a node") {
    const std::string s = "|nor_conv_3x3~0|none~1|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";
    require_parse_error(s, s.find("none~1"), "none~1");
  }
  SECTION("too few nodes") {
    const std::string s = "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|";
    require_parse_error(s, s.size(), "");
  }
  SECTION("trailing garbage") {
    require_parse_error(kExample + "xyz", kExample.size(), "xyz");
    require_parse_error(kExample + "+|none~0|", kExample.size(), "+|none~0|");
  }
  SECTION("missing leading bar") { require_parse_error(kExample.substr(1), 0, "n"); }
}

TEST_CASE("Architecture strings and indices agree with NAS-Bench-201 for every row", "[search_space]") {
  const auto& t = nb201();
  REQUIRE(t.size() == static_cast<std::size_t>(kNumArchitectures));
  for (std::size_t row = 0; row < t.size(); ++row) {
    const int index = std::stoi(t.get(row, "index"));
    const std::string& text = t.get(row, "arch");
    const CellArch arch = CellArch::parse(text);
    REQUIRE(nb201_index(arch) == index);
    REQUIRE(nb201_arch(index) == arch);
    REQUIRE(nb201_arch(index).to_string() == text);
  }
  CHECK_THROWS_AS(nb201_arch(kNumArchitectures), std::out_of_range);
}

TEST_CASE("The benchmark's documented landmark cells have their published indices", "[search_space]") {
  CHECK(nb201_index(CellArch::parse(
            "|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|")) ==
        1462);
  CHECK(nb201_index(CellArch::parse(
            "|nor_conv_3x3~0|+|none~0|nor_conv_3x3~1|+|skip_connect~0|none~1|skip_connect~2|")) == 11472);
}

TEST_CASE("Isomorphism keys equal NATS-Bench's unique strings", "[search_space]") {
  const auto& t = nb201();
  std::set<std::string> keys;
  for (std::size_t row = 0; row < t.size(); ++row) {
    const CellArch arch = CellArch::parse(t.get(row, "arch"));
    const std::string key = isomorphism_key(arch);
    REQUIRE(key == t.get(row, "iso_key"));
    keys.insert(key);
  }
  CHECK(keys.size() == 6466u);
}

TEST_CASE("Isomorphism keys ignore what a node that receives only none passes on", "[search_space]") {
  // With e0 = none node 1 is zero, so e2 (1->2) and e4 (1->3) cannot matter.
  for (const CellArch& a : all_by_code()) {
    if (a.ops[0] != Op::None) continue;
    CellArch b = a;
    b.ops[2] = b.ops[4] = Op::NorConv3x3;
    REQUIRE(isomorphism_key(a) == isomorphism_key(b));
  }
  // Operations on edges that reach the output do matter.
  CHECK(isomorphism_key(CellArch::parse(kExample)) !=
        isomorphism_key(CellArch::parse(
            "|nor_conv_1x1~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|")));
}

TEST_CASE("341 architectures have no input-output path and score chance accuracy", "[search_space]") {
  const auto& t = nb201();
  int no_path = 0;
  for (std::size_t row = 0; row < t.size(); ++row) {
    const CellArch arch = CellArch::parse(t.get(row, "arch"));
    if (has_input_output_path(arch)) continue;
    ++no_path;
    REQUIRE(t.number(row, "cifar10_test_acc") == Approx(10.0));
    // Under non-affine BN the output is exactly zero: everything is removable.
    REQUIRE(functional_reduction(arch, true) == CellArch{});
  }
  CHECK(no_path == 341);
  CHECK(has_input_output_path(CellArch::parse(kExample)));
  CHECK_FALSE(has_input_output_path(CellArch{}));
}

TEST_CASE("Functional equivalence gives 12,205 classes with affine and 9,445 without", "[search_space]") {
  std::set<CellArch> affine, non_affine;
  for (const CellArch& a : all_by_code()) {
    const CellArch ra = functional_reduction(a, false);
    const CellArch rn = functional_reduction(a, true);
    affine.insert(ra);
    non_affine.insert(rn);
    // Reduction only replaces operations by `none` and is idempotent.
    for (int e = 0; e < kNumEdges; ++e) {
      REQUIRE((ra.ops[e] == a.ops[e] || ra.ops[e] == Op::None));
      REQUIRE((rn.ops[e] == ra.ops[e] || rn.ops[e] == Op::None));
    }
    REQUIRE(functional_reduction(ra, false) == ra);
    REQUIRE(functional_reduction(rn, true) == rn);
    // Dead-end edges never reach node 3, so the isomorphism key ignores them.
    REQUIRE(isomorphism_key(ra) == isomorphism_key(a));
  }
  CHECK(affine.size() == 12205u);
  CHECK(non_affine.size() == 9445u);
}

TEST_CASE("Functional reduction removes dead ends and, without affine BN, zero-fed edges", "[search_space]") {
  // Node 2 feeds nothing (e5 none): e1 and e2 are dead ends under both rules.
  const CellArch dead_end = CellArch::parse(
      "|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|none~2|");
  const CellArch trimmed = CellArch::parse(
      "|nor_conv_3x3~0|+|none~0|none~1|+|skip_connect~0|nor_conv_3x3~1|none~2|");
  CHECK(functional_reduction(dead_end, false) == trimmed);
  CHECK(functional_reduction(dead_end, true) == trimmed);

  // Node 1 receives only `none`: its conv out-edge still adds BN's shift
  // with affine BN, but is exactly zero without.
  const CellArch zero_fed = CellArch::parse(
      "|none~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|avg_pool_3x3~1|nor_conv_1x1~2|");
  CHECK(functional_reduction(zero_fed, false) == zero_fed);
  CHECK(functional_reduction(zero_fed, true) ==
        CellArch::parse("|none~0|+|nor_conv_3x3~0|none~1|+|skip_connect~0|none~1|nor_conv_1x1~2|"));
}

TEST_CASE("The full search space enumerates every architecture in index order", "[search_space]") {
  const SearchSpace full;
  CHECK(full.size() == kNumArchitectures);
  CHECK(full.ops() == OpSet::all());
  const auto archs = full.enumerate();
  REQUIRE(archs.size() == static_cast<std::size_t>(kNumArchitectures));
  for (std::size_t i = 0; i < archs.size(); ++i) REQUIRE(nb201_index(archs[i]) == static_cast<int>(i));
  CHECK(full == SearchSpace(OpSet::all()));
}

TEST_CASE("Operation subsets enumerate their members in ascending index order", "[search_space]") {
  const OpSet four = OpSet::all().without(Op::None);
  const OpSet three = OpSet::of(Op::SkipConnect).with(Op::NorConv3x3).with(Op::AvgPool3x3);
  for (OpSet ops : {four, three}) {
    const SearchSpace space(ops);
    const auto archs = space.enumerate();
    const std::size_t expected = ops.size() == 4 ? 4096u : 729u;
    REQUIRE(archs.size() == expected);
    CHECK(space.size() == static_cast<std::int64_t>(expected));
    CHECK(space.ops() == ops);
    std::set<CellArch> distinct(archs.begin(), archs.end());
    CHECK(distinct.size() == expected);
    for (std::size_t i = 0; i < archs.size(); ++i) {
      for (Op op : archs[i].ops) REQUIRE(ops.contains(op));
      if (i) REQUIRE(nb201_index(archs[i - 1]) < nb201_index(archs[i]));
    }
    // Membership agrees with a brute-force count over the full space.
    std::size_t members = 0;
    for (const CellArch& a : all_by_code()) members += space.contains(a) ? 1 : 0;
    CHECK(members == expected);
  }
}

TEST_CASE("Fixing an edge restricts only that edge", "[search_space]") {
  const SearchSpace full;
  const SearchSpace split = full.with_edge_fixed(2, Op::NorConv1x1);
  CHECK(split.size() == 3125);
  CHECK(split.edge_ops(2) == OpSet::of(Op::NorConv1x1));
  CHECK(split.edge_ops(1) == OpSet::all());
  CHECK(split.ops() == OpSet::all());
  const auto archs = split.enumerate();
  REQUIRE(archs.size() == 3125u);
  for (const CellArch& a : archs) REQUIRE(a.ops[2] == Op::NorConv1x1);

  const SearchSpace twice = split.with_edge_fixed(5, Op::None);
  CHECK(twice.size() == 625);
  CHECK_FALSE(twice.contains(CellArch{}));  // edge 2 must be nor_conv_1x1
  CHECK_THROWS_AS(split.with_edge_fixed(2, Op::NorConv3x3), std::invalid_argument);
  CHECK_THROWS_AS(full.with_edge_fixed(6, Op::None), std::out_of_range);
  CHECK_FALSE(full == split);
}

TEST_CASE("A search space describes itself with its operation names", "[search_space]") {
  const SearchSpace three(OpSet::of(Op::SkipConnect).with(Op::NorConv3x3).with(Op::AvgPool3x3));
  const std::string d = three.describe();
  CHECK(d.find("skip_connect") != std::string::npos);
  CHECK(d.find("avg_pool_3x3") != std::string::npos);
  CHECK(d.find("none") == std::string::npos);
  CHECK(d.find("729") != std::string::npos);
  const std::string split = three.with_edge_fixed(0, Op::NorConv3x3).describe();
  CHECK(split != d);
  CHECK(split.find("243") != std::string::npos);
}

TEST_CASE("A path prints its cells", "[search_space]") {
  const CellArch a = CellArch::parse(kExample);
  CHECK(Path::shared(a).to_string() == kExample);
  const Path per_cell{{a, CellArch{}}};
  CHECK_FALSE(per_cell.is_shared());
  CHECK(per_cell.to_string() == kExample + ";" + CellArch{}.to_string());
}

TEST_CASE("kOpNameChoices lists every operation's name in kAllOps order", "[space]") {
  std::string joined;
  for (Op op : kAllOps) joined += (joined.empty() ? "" : "|") + std::string(op_name(op));
  CHECK(joined == kOpNameChoices);
}
