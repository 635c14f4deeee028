#pragma once
// Ground truth: the true (stand-alone) value of each architecture, read from
// one column of a benchmark table such as nb201.csv (`cifar10_test_acc`,
// `cifar100_test_acc`, `cifar10_valid_acc_12ep`, …).

#include <filesystem>
#include <string>

#include "spbench/analysis/results/indexed_values.hpp"

namespace spbench::tables {

using GroundTruth = IndexedValues;
using GroundTruthLoad = IndexedLoad;

GroundTruthLoad load_ground_truth(const BenchmarkTable& table, const std::string& column,
                                  JoinKey key = JoinKey::Auto);
GroundTruthLoad load_ground_truth(const std::filesystem::path& file, const std::string& column,
                                  JoinKey key = JoinKey::Auto);

}  // namespace spbench::tables
