#pragma once
// PathSampler: decides which path(s) of the super-network each optimizer step
// trains.
//
// Call order (per training phase, see SupernetStrategy::schedule):
//   begin(space, cells)            once, when a phase starts (and on resume)
//   next_step(rng)                 once per optimizer step
// A step may train several paths: the core runs forward/backward for each
// returned path, accumulates the gradients and then makes ONE optimizer step
// (this is how strict fairness is expressed). Single-path samplers return one.
// batches_per_step() says whether the paths share the step's batch or each
// gets its own.
//
// `cells` is 1 with topology sharing and the number of cells otherwise; a
// sampler then returns paths with `cells` architectures each (one per cell).
// A sampler may keep state between steps; that state must be saved by
// save_state()/load_state() so that resumed runs draw the same paths.

#include <vector>

#include "spbench/sdk/path.hpp"
#include "spbench/sdk/plugin_object.hpp"
#include "spbench/sdk/random.hpp"
#include "spbench/sdk/search_space.hpp"

namespace spbench {

class PathSampler : public PluginObject {
 public:
  virtual void begin(const SearchSpace& space, int cells) = 0;
  virtual std::vector<Path> next_step(Rng& rng) = 0;
  // 1: every path of a step trains on the same batch. k > 1: the step's
  // paths train on k consecutive batches of the epoch (path j on batch
  // j mod k), so an epoch over the data makes 1/k as many optimizer steps
  // (UniNAS's strict fairness, cogsys-tuebingen/uninas methods/random_fair.py).
  // Asked after begin(), once per phase.
  virtual int batches_per_step() const { return 1; }
};

}  // namespace spbench
