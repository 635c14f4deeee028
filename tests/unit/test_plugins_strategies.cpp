// The super-network strategies: few-shot's partition, routing, schedule and
// option errors; linear-transformers' replacement operations and what they
// do (and do not) change.
// LibTorch first: its glog CHECK macro must not replace Catch's.
#include <torch/torch.h>
#include "catch.hpp"

#include <map>
#include <string>
#include <vector>

#include <spbench/engine/model/supernet.hpp>
#include <spbench/sdk/option_parsing.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>

#include "tiny_training.hpp"

using namespace spbench;

namespace {

PluginRegistry& registry() {
  static PluginRegistry r;
  return r;
}

Options options_of(const std::string& name, const std::map<std::string, std::string>& values) {
  return test::plugin_options(registry(), PluginKind::Strategy, name, values);
}

std::shared_ptr<SupernetStrategy> make(const std::string& name, const std::map<std::string, std::string>& values = {}) {
  return registry().make_strategy(name, options_of(name, values));
}

// The OptionError a construction raises (fails the test when none is raised).
OptionError construction_error(const std::string& name, const std::map<std::string, std::string>& values) {
  try {
    make(name, values);
  } catch (const OptionError& e) {
    return e;
  }
  FAIL("no OptionError for " << name);
  return OptionError("", "");
}

OptionError validation_error(const SupernetStrategy& strategy, const RunSetup& setup) {
  try {
    strategy.validate(setup);
  } catch (const OptionError& e) {
    return e;
  }
  FAIL("validate() accepted the setup");
  return OptionError("", "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

const SearchSpace kThreeOps(OpSet::of(Op::SkipConnect).with(Op::NorConv1x1).with(Op::NorConv3x3));

int evaluating(const std::vector<SubSupernet>& nets) {
  int n = 0;
  for (const auto& s : nets) n += s.evaluates ? 1 : 0;
  return n;
}

// Every architecture of `space` lies in exactly one evaluating network, and
// route() names that network.
void check_routing(const SupernetStrategy& strategy, const SearchSpace& space) {
  const auto nets = strategy.partition(space);
  std::int64_t routed = 0, misrouted = 0, not_exactly_once = 0;
  for (const CellArch& arch : space.enumerate()) {
    int owners = 0, owner = -1;
    for (std::size_t k = 0; k < nets.size(); ++k)
      if (nets[k].evaluates && nets[k].space.contains(arch)) {
        ++owners;
        owner = static_cast<int>(k);
      }
    if (owners != 1) ++not_exactly_once;
    if (strategy.route(arch, nets) != owner) ++misrouted;
    ++routed;
  }
  CHECK(routed == space.size());
  CHECK(not_exactly_once == 0);
  CHECK(misrouted == 0);
  // The children's spaces together are exactly the space (no architecture lost).
  std::int64_t total = 0;
  for (const auto& s : nets)
    if (s.evaluates) total += s.space.size();
  CHECK(total == space.size());
}

model::OperationFactory factory_of(const std::shared_ptr<SupernetStrategy>& s) { return model::operation_factory_of(s); }

CellArch arch_of(Op e0, Op e1, Op e2, Op e3, Op e4, Op e5) { return CellArch{{e0, e1, e2, e3, e4, e5}}; }

// Parameters of the replacement module on (cell, edge, op), or none.
std::vector<at::Tensor> params_of(const model::Supernet& net, int cell, int edge, Op op) {
  auto* m = net->operation(cell, edge, op);
  REQUIRE(m != nullptr);
  return m->parameters();
}

}  // namespace

// ---------------------------------------------------------------- few-shot

TEST_CASE("Few-shot splits the full space on edge 0 into a warm-up network and five sub-super-networks") {
  const auto nets = make("few-shot")->partition(SearchSpace());
  REQUIRE(nets.size() == 6u);
  CHECK(nets[0].space == SearchSpace());
  CHECK_FALSE(nets[0].evaluates);
  CHECK(evaluating(nets) == 5);
  for (std::size_t k = 1; k < nets.size(); ++k) {
    const Op op = kAllOps[k - 1];
    INFO(nets[k].name);
    CHECK(nets[k].space == SearchSpace().with_edge_fixed(0, op));
    CHECK(nets[k].space.size() == 3125);
    CHECK(contains(nets[k].name, std::string(op_name(op))));
  }
}

TEST_CASE("Few-shot on two edges makes 25 sub-super-networks, and 3 or 9 under a three-operation subset") {
  CHECK(make("few-shot", {{"split_edges", "[0, 5]"}})->partition(SearchSpace()).size() == 1u + 25u);
  CHECK(make("few-shot")->partition(kThreeOps).size() == 1u + 3u);
  const auto nets = make("few-shot", {{"split_edges", "[2, 4]"}})->partition(kThreeOps);
  REQUIRE(nets.size() == 1u + 9u);
  for (std::size_t k = 1; k < nets.size(); ++k) {
    CHECK(nets[k].space.size() == 81);  // 3^6 / 9
    CHECK(nets[k].space.edge_ops(2).size() == 1);
    CHECK(nets[k].space.edge_ops(4).size() == 1);
    CHECK(nets[k].space.edge_ops(0) == kThreeOps.edge_ops(0));
  }
}

TEST_CASE("Few-shot routes every architecture of the space to exactly one evaluating sub-super-network") {
  SECTION("one edge, all 15,625 architectures") { check_routing(*make("few-shot"), SearchSpace()); }
  SECTION("two edges, all 15,625 architectures") {
    check_routing(*make("few-shot", {{"split_edges", "[1, 3]"}}), SearchSpace());
  }
  SECTION("a three-operation subset") { check_routing(*make("few-shot", {{"split_edges", "[0, 5]"}}), kThreeOps); }
}

TEST_CASE("Few-shot trains the whole space first, then each sub-super-network warm-started from it") {
  SECTION("defaults: half of the epochs before the split, the rest per sub-super-network") {
    auto s = make("few-shot");
    const auto nets = s->partition(SearchSpace());
    const auto phases = s->schedule(10, nets);
    REQUIRE(phases.size() == 6u);
    CHECK(phases[0].network == 0);
    CHECK(phases[0].epochs == 5);
    CHECK_FALSE(phases[0].warm_start_from.has_value());
    for (std::size_t k = 1; k < phases.size(); ++k) {
      CHECK(phases[k].network == static_cast<int>(k));
      CHECK(phases[k].epochs == 5);
      REQUIRE(phases[k].warm_start_from.has_value());
      CHECK(*phases[k].warm_start_from == 0);
      CHECK(phases[k].label == nets[k].name);
    }
  }
  SECTION("explicit epochs before the split and per sub-super-network") {
    auto s = make("few-shot", {{"epochs_before_split", "3"}, {"epochs_per_subnetwork", "2"}});
    const auto phases = s->schedule(100, s->partition(kThreeOps));
    REQUIRE(phases.size() == 4u);
    CHECK(phases[0].epochs == 3);
    for (std::size_t k = 1; k < phases.size(); ++k) CHECK(phases[k].epochs == 2);
  }
  SECTION("no epochs before the split: the sub-super-networks all start from the same initial weights") {
    auto s = make("few-shot", {{"epochs_before_split", "0"}, {"epochs_per_subnetwork", "1"}});
    const auto phases = s->schedule(4, s->partition(SearchSpace()));
    REQUIRE(phases.size() == 5u);
    for (const auto& p : phases) {
      CHECK(p.network != 0);
      CHECK(p.warm_start_from == std::optional<int>(0));
    }
  }
}

TEST_CASE("Few-shot refuses split edges that do not exist, repeat, or are missing, naming split_edges") {
  auto e = construction_error("few-shot", {{"split_edges", "[7]"}});
  CHECK(e.option() == "split_edges");
  CHECK(contains(e.what(), "split edge 7 does not exist"));
  e = construction_error("few-shot", {{"split_edges", "[-1]"}});
  CHECK(e.option() == "split_edges");
  e = construction_error("few-shot", {{"split_edges", "[2, 2]"}});
  CHECK(e.option() == "split_edges");
  CHECK(contains(e.what(), "split edge 2 is named twice"));
  e = construction_error("few-shot", {{"split_edges", "[]"}});
  CHECK(e.option() == "split_edges");
  CHECK(construction_error("few-shot", {{"epochs_per_subnetwork", "0"}}).option() == "epochs_per_subnetwork");
  CHECK(construction_error("few-shot", {{"epochs_before_split", "-2"}}).option() == "epochs_before_split");
}

TEST_CASE("Few-shot refuses a split edge that the operation subset leaves with fewer than two operations") {
  auto s = make("few-shot", {{"split_edges", "[3]"}});
  RunSetup setup;
  setup.epochs = 4;
  CHECK_NOTHROW(s->validate(setup));
  setup.space = SearchSpace(OpSet::of(Op::NorConv3x3));
  const auto e = validation_error(*s, setup);
  CHECK(e.option() == "split_edges");
  CHECK(contains(e.what(), "split edge 3 allows 1 operation(s)"));
  CHECK(contains(e.what(), "nor_conv_3x3"));  // the subset is shown
  // Two operations are enough to split.
  setup.space = SearchSpace(OpSet::of(Op::NorConv3x3).with(Op::None));
  CHECK_NOTHROW(s->validate(setup));
}

TEST_CASE("Few-shot refuses epochs_before_split that leaves no epochs for the sub-super-networks") {
  auto s = make("few-shot", {{"epochs_before_split", "5"}});
  RunSetup setup;
  setup.epochs = 5;
  const auto e = validation_error(*s, setup);
  CHECK(e.option() == "epochs_before_split");
  CHECK(contains(e.what(), "epochs_per_subnetwork"));
  setup.epochs = 6;
  CHECK_NOTHROW(s->validate(setup));
}

// ----------------------------------------------------- linear-transformers

TEST_CASE("Linear transformers replace skip_connect, and avg_pool_3x3 only with pool: true") {
  auto plain = make("linear-transformers");
  auto pooled = make("linear-transformers", {{"pool", "true"}});
  auto spec = [](Op op) { return OperationSpec{op, 8, 8, 1, true, true}; };
  CHECK(plain->make_operation(spec(Op::SkipConnect)) != nullptr);
  CHECK(plain->make_operation(spec(Op::AvgPool3x3)) == nullptr);
  CHECK(pooled->make_operation(spec(Op::SkipConnect)) != nullptr);
  CHECK(pooled->make_operation(spec(Op::AvgPool3x3)) != nullptr);
  for (Op op : {Op::None, Op::NorConv1x1, Op::NorConv3x3}) {
    CHECK(plain->make_operation(spec(op)) == nullptr);
    CHECK(pooled->make_operation(spec(op)) == nullptr);
  }
  // A replacement is a candidate operation with one C×C weight and no bias.
  auto skip = plain->make_operation(spec(Op::SkipConnect));
  REQUIRE(skip != nullptr);
  const auto params = skip->parameters();
  REQUIRE(params.size() == 1u);
  CHECK(params[0].numel() == 8 * 8);
  const auto x = torch::randn({2, 8, 5, 5});
  CHECK(skip->forward(x).sizes() == x.sizes());
  CHECK(torch::equal(skip->forward(torch::zeros({1, 8, 3, 3})), torch::zeros({1, 8, 3, 3})));
  CHECK(skip->maps_zero_to_zero());
  // The pooled variant averages first: on a constant image it is the 1×1 conv of the constant.
  auto pool = pooled->make_operation(spec(Op::AvgPool3x3));
  REQUIRE(pool != nullptr);
  const auto constant = torch::ones({1, 8, 4, 4});
  const at::Tensor weight = pool->parameters()[0];
  const auto expected = weight.view({8, 8}).sum(1).view({1, 8, 1, 1}).expand({1, 8, 4, 4});
  CHECK(torch::allclose(pool->forward(constant), expected, 1e-5, 1e-6));
}

TEST_CASE("In a super-network, linear transformers put a C×C 1×1 convolution on every skip edge") {
  torch::manual_seed(3);
  auto s = make("linear-transformers");
  model::Supernet plain(model::SupernetOptions().channels(4).cells_per_stage(1));
  model::Supernet lt(model::SupernetOptions().channels(4).cells_per_stage(1).operation_factory(factory_of(s)));
  const std::int64_t per_cell[3] = {4 * 4, 8 * 8, 16 * 16};
  for (int cell = 0; cell < 3; ++cell)
    for (int e = 0; e < kNumEdges; ++e) {
      const auto params = params_of(lt, cell, e, Op::SkipConnect);
      REQUIRE(params.size() == 1u);
      CHECK(params[0].numel() == per_cell[cell]);
      CHECK(params_of(lt, cell, e, Op::AvgPool3x3).empty());
    }
  CHECK(model::count_parameters(*lt) - model::count_parameters(*plain) == 6 * (16 + 64 + 256));

  auto pooled = make("linear-transformers", {{"pool", "true"}});
  model::Supernet ltp(model::SupernetOptions().channels(4).cells_per_stage(1).operation_factory(factory_of(pooled)));
  CHECK(model::count_parameters(*ltp) - model::count_parameters(*plain) == 2 * 6 * (16 + 64 + 256));
  CHECK(params_of(ltp, 1, 3, Op::AvgPool3x3).size() == 1u);
}

TEST_CASE("A linear transformer on a skip edge gets a gradient exactly when skip_connect is on the path") {
  torch::manual_seed(4);
  auto s = make("linear-transformers", {{"pool", "true"}});
  model::Supernet net(model::SupernetOptions().channels(4).cells_per_stage(1).operation_factory(factory_of(s)));
  net->train();
  const auto x = torch::randn({4, 3, 8, 8});
  // Every edge here reaches node 3, so every operation on the path computes.
  const CellArch arch = arch_of(Op::SkipConnect, Op::NorConv3x3, Op::AvgPool3x3, Op::SkipConnect,
                                Op::NorConv1x1, Op::SkipConnect);
  model::reset_gradients(*net);
  net->forward(x, Path::shared(arch)).square().sum().backward();
  for (int cell = 0; cell < 3; ++cell)
    for (int e = 0; e < kNumEdges; ++e) {
      INFO("cell " << cell << " edge " << e);
      CHECK(params_of(net, cell, e, Op::SkipConnect)[0].grad().defined() == (arch.ops[e] == Op::SkipConnect));
      CHECK(params_of(net, cell, e, Op::AvgPool3x3)[0].grad().defined() == (arch.ops[e] == Op::AvgPool3x3));
    }
  // A path without skip_connect leaves every skip transformer untouched.
  model::reset_gradients(*net);
  const CellArch no_skip = arch_of(Op::NorConv3x3, Op::NorConv1x1, Op::NorConv3x3, Op::AvgPool3x3,
                                   Op::NorConv1x1, Op::NorConv3x3);
  net->forward(x, Path::shared(no_skip)).square().sum().backward();
  for (int cell = 0; cell < 3; ++cell)
    for (int e = 0; e < kNumEdges; ++e) CHECK_FALSE(params_of(net, cell, e, Op::SkipConnect)[0].grad().defined());
}

TEST_CASE("Linear transformers leave NAS-Bench-201's stand-alone parameter counts unchanged") {
  // The core builds stand-alone networks without the strategy's factory; with
  // it the all-skip network would grow by a C×C weight per skip edge.
  auto s = make("linear-transformers", {{"pool", "true"}});
  NetworkSetup nb201;  // C=16, N=5, 10 classes
  const CellArch all_skip = CellArch::parse(
      "|skip_connect~0|+|skip_connect~0|skip_connect~1|+|skip_connect~0|skip_connect~1|skip_connect~2|");
  const CellArch mixed = CellArch::parse(
      "|avg_pool_3x3~0|+|skip_connect~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|avg_pool_3x3~2|");
  CHECK(model::count_parameters(*model::make_stand_alone(all_skip, nb201)) == 73306);   // nb201.csv, index 1835
  CHECK(model::count_parameters(*model::make_stand_alone(mixed, nb201)) == 316346);     // index 5279
  CHECK(model::count_parameters(*model::make_stand_alone(all_skip, nb201, factory_of(s))) ==
        73306 + 5 * 6 * (16 * 16 + 32 * 32 + 64 * 64));
}

TEST_CASE("One-shot is one network that owns and scores the whole space in one phase") {
  auto s = make("one-shot");
  const auto nets = s->partition(kThreeOps);
  REQUIRE(nets.size() == 1u);
  CHECK(nets[0].space == kThreeOps);
  CHECK(nets[0].evaluates);
  const auto phases = s->schedule(7, nets);
  REQUIRE(phases.size() == 1u);
  CHECK(phases[0].epochs == 7);
  CHECK_FALSE(phases[0].warm_start_from.has_value());
  CHECK(s->make_operation(OperationSpec{Op::SkipConnect, 4, 4, 1, true, true}) == nullptr);
  CHECK(s->route(CellArch::from_code(1234), {SubSupernet{"s", SearchSpace(), true}}) == 0);
}
