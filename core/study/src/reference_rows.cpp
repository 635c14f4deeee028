#include "spbench/study/reference_rows.hpp"

#include <fmt/format.h>

#include <map>

#include "spbench/sdk/architecture_cost.hpp"
#include "spbench/study/network_shape.hpp"
#include "spbench/sdk/search_space.hpp"
#include "spbench/analysis/results/benchmark_table.hpp"
#include "spbench/analysis/results/ground_truth.hpp"

namespace spbench::evaluation {

tables::JoinKey join_key_of(const ExperimentSpec& spec) {
  return spec.ground_truth.join == GroundTruthJoin::Index ? tables::JoinKey::Index : tables::JoinKey::Arch;
}

StudyReferenceRows study_reference_rows(const ExperimentSpec& spec, const std::filesystem::path& data_root,
                                        const std::vector<double>& truth, const std::vector<int>& ids,
                                        const metrics::RankingOptions& options) {
  StudyReferenceRows out;
  const GroundTruthSource source = spec.ground_truth.source;
  if (source == GroundTruthSource::Csv) {
    try {
      const auto bench = tables::BenchmarkTable::read(resolve_data_path(spec.ground_truth.file, data_root));
      const auto table_truth = tables::load_ground_truth(bench, spec.ground_truth.column, join_key_of(spec));
      out.rows = metrics::score_reference_predictors(bench, table_truth.values,
                                                     metrics::dataset_of_column(spec.ground_truth.column), options, ids);
    } catch (const std::exception& e) {
      out.note = fmt::format("no reference rows: {}", e.what());
    }
  } else {
    // Stand-alone truth: parameters and FLOPs of the networks that were
    // trained (the spec's C, N and input size).
    const NetworkShape shape = network_shape_of(spec);
    std::vector<double> params, flops;
    bool flops_ok = shape.input_size % 4 == 0;
    NetworkShape p_shape = shape;
    if (!flops_ok) p_shape.input_size = 32;  // parameters do not depend on the input size
    for (int index : ids) {
      const CellArch a = nb201_arch(index);
      params.push_back(architecture_cost(a, p_shape).params_M);
      if (flops_ok) flops.push_back(architecture_cost(a, shape).flops_M);
    }
    const std::string tag = fmt::format("C={},N={},{}px", shape.channels, shape.cells_per_stage, shape.input_size);
    out.rows.push_back({"params", "params_M (" + tag + ")", metrics::score_ranking(params, truth, options, ids)});
    if (flops_ok)
      out.rows.push_back({"flops", "flops_M (" + tag + ")", metrics::score_ranking(flops, truth, options, ids)});
    else
      out.note = fmt::format("no FLOPs reference row: input size {} is not divisible by 4", shape.input_size);
  }
  if (!spec.ground_truth.zero_cost.empty()) {
    // The proxies on the same architectures, against the same truth.
    const auto file = resolve_data_path(spec.ground_truth.zero_cost, data_root);
    try {
      std::map<int, double> values;
      for (std::size_t i = 0; i < ids.size() && i < truth.size(); ++i) values.emplace(ids[i], truth[i]);
      const tables::IndexedValues truth_values(file.string(), "truth", std::move(values));
      auto rows = metrics::score_zero_cost_rows(file, truth_values, options, ids);
      out.rows.insert(out.rows.end(), rows.begin(), rows.end());
    } catch (const std::exception& e) {
      const std::string note = fmt::format("no zero-cost reference rows: {}", e.what());
      out.note = out.note.empty() ? note : out.note + "; " + note;
    }
  }
  return out;
}

}  // namespace spbench::evaluation
