// Which architectures a run evaluates: all, unique, samples (plain and
// stratified), lists and top-K, always within the spec's operation subset.
#include "catch.hpp"

#include <fstream>
#include <set>

#include "spbench/engine/evaluation/architecture_set.hpp"
#include "spbench/analysis/results/ground_truth.hpp"
#include "test_paths.hpp"

using namespace spbench;
using namespace spbench::evaluation;
using Kind = ArchitectureSelection::Kind;

namespace {

ArchitectureSelection selection(Kind kind, std::int64_t count = 0, bool stratified = false, std::string file = {}) {
  ArchitectureSelection s;
  s.kind = kind;
  s.count = count;
  s.stratified = stratified;
  s.file = std::move(file);
  return s;
}

// A made-up truth: the architecture's index (so "best" = highest index).
tables::IndexedValues index_truth() {
  std::map<int, double> v;
  for (int i = 0; i < kNumArchitectures; ++i) v[i] = i;
  return tables::IndexedValues("made-up", "index", v);
}

std::vector<int> indices(const std::vector<CellArch>& archs) {
  std::vector<int> out;
  for (const auto& a : archs) out.push_back(nb201_index(a));
  return out;
}

bool ascending(const std::vector<CellArch>& archs) {
  for (std::size_t i = 1; i < archs.size(); ++i)
    if (nb201_index(archs[i - 1]) >= nb201_index(archs[i])) return false;
  return true;
}

const OpSet kSubset = OpSet::all().without(Op::NorConv1x1);

}  // namespace

TEST_CASE("All takes every architecture of the operation subset, in index order", "[evaluation]") {
  CHECK(select_architectures(selection(Kind::All), SearchSpace(), 0).architectures.size() == 15625);
  const auto set = select_architectures(selection(Kind::All), SearchSpace(kSubset), 0);
  CHECK(set.architectures.size() == 4096);
  CHECK(ascending(set.architectures));
}

TEST_CASE("Unique takes one architecture per isomorphism class, the one with the lowest index", "[evaluation]") {
  const auto set = select_architectures(selection(Kind::Unique), SearchSpace(), 0);
  CHECK(set.architectures.size() == 6466);
  std::set<std::string> keys;
  for (const auto& a : set.architectures) keys.insert(isomorphism_key(a));
  CHECK(keys.size() == 6466);
  // No architecture of a lower index shares a class with a chosen one.
  std::map<std::string, int> lowest;
  for (int i = 0; i < kNumArchitectures; ++i) lowest.emplace(isomorphism_key(nb201_arch(i)), i);
  for (const auto& a : set.architectures) CHECK(lowest.at(isomorphism_key(a)) == nb201_index(a));
  const auto sub = select_architectures(selection(Kind::Unique), SearchSpace(kSubset), 0);
  CHECK(sub.architectures.size() < 4096);
  for (const auto& a : sub.architectures) CHECK(SearchSpace(kSubset).contains(a));
}

TEST_CASE("A sample has K members of the subset, depends on the seed and is reproducible", "[evaluation]") {
  const auto a = select_architectures(selection(Kind::Sample, 50), SearchSpace(kSubset), 1).architectures;
  const auto b = select_architectures(selection(Kind::Sample, 50), SearchSpace(kSubset), 1).architectures;
  const auto c = select_architectures(selection(Kind::Sample, 50), SearchSpace(kSubset), 2).architectures;
  CHECK(a.size() == 50);
  CHECK(indices(a) == indices(b));
  CHECK(indices(a) != indices(c));
  CHECK(ascending(a));
  for (const auto& x : a) CHECK(SearchSpace(kSubset).contains(x));
  const auto big = select_architectures(selection(Kind::Sample, 5000), SearchSpace(kSubset), 1);
  CHECK(big.architectures.size() == 4096);
  CHECK_FALSE(big.notes.empty());
}

TEST_CASE("A sample's own seed fixes its architectures whatever the run's seed", "[evaluation]") {
  ExperimentSpec spec;
  spec.evaluation.architectures = selection(Kind::Sample, 50);
  spec.seed = 1;
  CHECK(architecture_sample_seed(spec) == 1u);  // no seed of its own: the run's
  spec.evaluation.architectures.seed = 7;
  auto drawn = [&] {
    return indices(select_architectures(spec.evaluation.architectures, SearchSpace(kSubset), architecture_sample_seed(spec))
                       .architectures);
  };
  const auto with_run_seed_1 = drawn();
  spec.seed = 2;
  CHECK(architecture_sample_seed(spec) == 7u);
  CHECK(drawn() == with_run_seed_1);
  spec.evaluation.architectures.seed = 8;
  CHECK(drawn() != with_run_seed_1);
}

TEST_CASE("A stratified sample draws one architecture from each ground-truth stratum", "[evaluation]") {
  const auto truth = index_truth();
  const auto set = select_architectures(selection(Kind::Sample, 8, true), SearchSpace(), 3, &truth);
  REQUIRE(set.architectures.size() == 8);
  // Truth = index, so the strata are index ranges of 15625/8 architectures.
  std::set<int> strata;
  for (const auto& a : set.architectures) strata.insert(static_cast<int>(nb201_index(a) * 8LL / 15625));
  CHECK(strata.size() == 8);
  CHECK_THROWS_AS(select_architectures(selection(Kind::Sample, 8, true), SearchSpace(), 3), std::invalid_argument);
}

TEST_CASE("Top K takes the K best by ground truth within the subset", "[evaluation]") {
  const auto truth = index_truth();
  const auto set = select_architectures(selection(Kind::Top, 5), SearchSpace(kSubset), 0, &truth);
  std::vector<int> expected;
  for (int i = kNumArchitectures - 1; i >= 0 && expected.size() < 5; --i)
    if (SearchSpace(kSubset).contains(nb201_arch(i))) expected.insert(expected.begin(), i);
  std::vector<int> got;
  for (const auto& a : set.architectures) got.push_back(nb201_index(a));
  CHECK(got == expected);
}

TEST_CASE("A list file names architectures by index or string and outsiders are reported", "[evaluation]") {
  const auto dir = test::scratch_dir("evaluation_sets_list");
  const auto file = dir / "archs.txt";
  std::ofstream(file) << "# chosen by hand\n1462\n\n"
                         "|nor_conv_3x3~0|+|none~0|skip_connect~1|+|avg_pool_3x3~0|none~1|skip_connect~2|  # a comment\n"
                         "|nor_conv_1x1~0|+|none~0|none~1|+|none~0|none~1|none~2|\n1462\n";
  const auto set = select_architectures(selection(Kind::List, 0, false, file.string()), SearchSpace(kSubset), 0);
  REQUIRE(set.architectures.size() == 2);  // the duplicate once; the conv1x1 one is outside the subset
  CHECK(ascending(set.architectures));
  REQUIRE(set.notes.size() == 1);
  CHECK(set.notes[0].find("outside") != std::string::npos);

  std::ofstream(dir / "bad.txt") << "12\nnot-an-arch\n";
  CHECK_THROWS_WITH(read_architecture_list(dir / "bad.txt"), Catch::Contains("bad.txt:2"));

  std::ofstream(dir / "preds.csv") << "arch,index,prediction\n,17,1.0\n,5,2.0\n";
  const auto from_csv = read_architecture_list(dir / "preds.csv");
  REQUIRE(from_csv.size() == 2);
  CHECK(nb201_index(from_csv[0]) == 17);
}
