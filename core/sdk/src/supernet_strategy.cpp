#include "spbench/sdk/supernet_strategy.hpp"

namespace spbench {

std::vector<TrainingPhase> SupernetStrategy::schedule(int epochs, const std::vector<SubSupernet>& networks) const {
  std::vector<TrainingPhase> phases;
  for (std::size_t i = 0; i < networks.size(); ++i)
    phases.push_back(TrainingPhase{static_cast<int>(i), epochs, std::nullopt, networks[i].name});
  return phases;
}

int SupernetStrategy::route(const CellArch& arch, const std::vector<SubSupernet>& networks) const {
  for (std::size_t i = 0; i < networks.size(); ++i)
    if (networks[i].evaluates && networks[i].space.contains(arch)) return static_cast<int>(i);
  return -1;
}

}  // namespace spbench
