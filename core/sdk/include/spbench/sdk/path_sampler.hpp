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
};

}  // namespace spbench
