// The multi-tensor SGD update: the same numbers as torch::optim::SGD::step,
// momentum kept in the optimizer's own state (so the two can be mixed and
// checkpoints stay as they were).

#include "catch.hpp"

#include <torch/torch.h>

#include <sstream>
#include <spbench/engine/training/foreach_sgd.hpp>

using namespace spbench;

namespace {

struct Model {
  std::vector<at::Tensor> params;  // [0, 1] decayed, [2, 3] not
  std::unique_ptr<torch::optim::SGD> optimizer;
};

Model make_model(double momentum, double dampening, bool nesterov) {
  torch::manual_seed(11);
  Model m;
  for (auto shape : {std::vector<std::int64_t>{4, 3, 3, 3}, {7, 5}, {4}, {5}})
    m.params.push_back(torch::randn(shape).requires_grad_(true));
  auto base = torch::optim::SGDOptions(0.1).momentum(momentum).dampening(dampening).nesterov(nesterov).weight_decay(5e-4);
  auto no_decay = base;
  no_decay.weight_decay(0.0);
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(std::vector<at::Tensor>{m.params[0], m.params[1]},
                      std::make_unique<torch::optim::SGDOptions>(base));
  groups.emplace_back(std::vector<at::Tensor>{m.params[2], m.params[3]},
                      std::make_unique<torch::optim::SGDOptions>(no_decay));
  m.optimizer = std::make_unique<torch::optim::SGD>(groups, base);
  return m;
}

// Step s's gradients: parameter 1 has none at step 0 (off the path; its
// momentum starts later) and parameter 3 none at step 2.
void set_gradients(Model& m, int step) {
  torch::manual_seed(100 + step);
  for (std::size_t i = 0; i < m.params.size(); ++i) {
    const bool off_path = (i == 1 && step == 0) || (i == 3 && step == 2);
    m.params[i].mutable_grad() = off_path ? at::Tensor() : torch::randn(m.params[i].sizes());
  }
}

void require_equal(const Model& a, const Model& b) {
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    INFO("parameter " << i);
    REQUIRE(torch::equal(a.params[i], b.params[i]));
  }
}

}  // namespace

TEST_CASE("A foreach SGD step updates parameters exactly as torch::optim::SGD::step does", "[foreach_sgd]") {
  struct Case {
    double momentum, dampening;
    bool nesterov;
  };
  for (const Case c : {Case{0.9, 0.0, true}, Case{0.9, 0.0, false}, Case{0.9, 0.1, false}, Case{0.0, 0.0, false}}) {
    INFO("momentum " << c.momentum << " dampening " << c.dampening << " nesterov " << c.nesterov);
    Model builtin = make_model(c.momentum, c.dampening, c.nesterov);
    Model foreach = make_model(c.momentum, c.dampening, c.nesterov);
    const auto before = foreach.params[0].detach().clone();
    for (int step = 0; step < 5; ++step) {
      set_gradients(builtin, step);
      set_gradients(foreach, step);
      builtin.optimizer->step();
      sgd_step_foreach(*foreach.optimizer);
      require_equal(builtin, foreach);
    }
    CHECK_FALSE(torch::equal(before, foreach.params[0]));  // it did update
    CHECK(foreach.optimizer->state().size() == builtin.optimizer->state().size());
  }
}

TEST_CASE("Foreach and built-in SGD steps share their momentum buffers, so they can be mixed", "[foreach_sgd]") {
  Model builtin = make_model(0.9, 0.0, true);
  Model mixed = make_model(0.9, 0.0, true);
  for (int step = 0; step < 6; ++step) {
    set_gradients(builtin, step);
    set_gradients(mixed, step);
    builtin.optimizer->step();
    // A foreach step that kept its own buffers would leave the built-in step
    // to start fresh ones (or the reverse), and the parameters would part.
    if (step % 2 == 0)
      sgd_step_foreach(*mixed.optimizer);
    else
      mixed.optimizer->step();
    require_equal(builtin, mixed);
  }
}

TEST_CASE("Momentum written to a checkpoint by foreach steps is read back and continued unchanged", "[foreach_sgd]") {
  Model straight = make_model(0.9, 0.0, true);
  Model saved = make_model(0.9, 0.0, true);
  for (int step = 0; step < 3; ++step) {
    set_gradients(straight, step);
    set_gradients(saved, step);
    sgd_step_foreach(*straight.optimizer);
    sgd_step_foreach(*saved.optimizer);
  }
  std::stringstream archive_bytes;
  {
    torch::serialize::OutputArchive archive;
    saved.optimizer->save(archive);
    archive.save_to(archive_bytes);
  }
  Model resumed = make_model(0.9, 0.0, true);
  {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < resumed.params.size(); ++i) resumed.params[i].copy_(saved.params[i]);
  }
  torch::serialize::InputArchive archive;
  archive.load_from(archive_bytes);
  resumed.optimizer->load(archive);
  REQUIRE(resumed.optimizer->state().size() == straight.optimizer->state().size());
  for (int step = 3; step < 6; ++step) {
    set_gradients(straight, step);
    set_gradients(resumed, step);
    sgd_step_foreach(*straight.optimizer);
    sgd_step_foreach(*resumed.optimizer);
    require_equal(straight, resumed);
  }
}
