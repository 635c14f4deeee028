#pragma once
// The network shape of an experiment's stand-alone networks.

#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/engine/spec/experiment_spec.hpp"

namespace spbench::evaluation {

// The network shape of the spec's stand-alone networks (parameters/FLOPs of
// the reference rows), input size from data.resize or the data set's native size.
NetworkShape network_shape_of(const ExperimentSpec& spec);

}  // namespace spbench::evaluation
