#include "study_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "spbench/util/atomic_file.hpp"
#include "spbench/study/reference_rows.hpp"
#include "spbench/study/scatter_plot.hpp"
#include "spbench/analysis/metrics/ranking_metrics.hpp"

namespace spbench::evaluation {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

struct Scored {
  std::vector<double> pred, truth;
  std::vector<int> ids;
};

}  // namespace

// predictions.csv, metrics.json, the plot and the printed table, from the
// complete rows: the one code path for unsharded runs and merges.
StudyResult write_study_results(const ExperimentSpec& spec, std::vector<tables::PredictionRow> rows, const fs::path& run_dir,
                   const fs::path& data_root, json info, const Sink& sink) {
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  tables::write_predictions_csv(run_dir / "predictions.csv", rows);

  Scored s;
  std::vector<int> without_truth;
  for (const auto& r : rows) {
    if (r.truth) {
      s.pred.push_back(r.prediction);
      s.truth.push_back(*r.truth);
      s.ids.push_back(r.index);
    } else {
      without_truth.push_back(r.index);
    }
  }
  const GroundTruthSource source = spec.ground_truth.source;
  json doc;
  doc["experiment"] = spec.name;
  doc["architectures"] = rows.size();
  doc["scored"] = s.ids.size();
  json gt = {{"source", std::string(setting_name(source))}};
  if (source == GroundTruthSource::Csv) {
    gt["file"] = resolve_data_path(spec.ground_truth.file, data_root).string();
    gt["column"] = spec.ground_truth.column;
    gt["join"] = std::string(setting_name(spec.ground_truth.join));
  } else if (source == GroundTruthSource::StandAlone) {
    gt["value"] = "validation accuracy (%) of each architecture trained on its own";
    gt["epochs"] = spec.ground_truth.stand_alone.epochs;
    gt["batch_size"] = spec.ground_truth.stand_alone.batch_size;
    gt["learning_rate"] = spec.ground_truth.stand_alone.learning_rate;
  }
  gt["architectures_without_truth"] = without_truth.size();
  gt["without_truth_examples"] =
      std::vector<int>(without_truth.begin(), without_truth.begin() + std::min<std::size_t>(5, without_truth.size()));
  doc["ground_truth"] = gt;
  for (auto& [k, v] : info.items()) doc[k] = v;

  std::string table;
  if (!without_truth.empty() && source != GroundTruthSource::None)
    say(sink, fmt::format("warning: {} evaluated architecture(s) have no ground-truth value and are not scored (e.g. index {})",
                          without_truth.size(), without_truth.front()));
  if (s.ids.empty()) {
    table = source == GroundTruthSource::None ? "no ground truth (ground_truth.source: none): no ranking metrics\n"
                             : "no evaluated architecture has a ground-truth value: no ranking metrics\n";
    doc["metrics"] = nullptr;
  } else {
    metrics::RankingOptions options;
    options.bootstrap_seed = spec.seed;
    const metrics::RankingReport report = metrics::score_ranking(s.pred, s.truth, options, s.ids);
    doc["metrics"] = json::parse(metrics::to_json(report));

    const StudyReferenceRows reference = study_reference_rows(spec, data_root, s.truth, s.ids, options);
    const std::vector<metrics::ReferenceRow>& refs = reference.rows;
    const std::string& refs_note = reference.note;
    json rj = json::array();
    for (const auto& r : refs) rj.push_back({{"name", r.name}, {"column", r.column}, {"metrics", json::parse(metrics::to_json(r.report))}});
    doc["reference_rows"] = rj;
    if (!refs_note.empty()) doc["reference_rows_note"] = refs_note;

    table = fmt::format("super-network accuracy vs {} ({} architectures)\n",
                        source == GroundTruthSource::Csv ? spec.ground_truth.column : std::string("stand-alone accuracy"), s.ids.size());
    table += metrics::to_text(report);
    if (!refs.empty()) table += "\n" + metrics::reference_rows_text(refs);
    if (!refs_note.empty()) table += "\n" + refs_note + "\n";
  }
  write_file_atomic(run_dir / "metrics.json", doc.dump(2) + "\n");
  if (!s.ids.empty())
    plot_scatter(run_dir, fmt::format("{}: super-network vs {}", spec.name,
                                      source == GroundTruthSource::Csv ? spec.ground_truth.column : std::string("stand-alone")), sink);
  StudyResult out;
  out.complete = true;
  out.rows = std::move(rows);
  out.table = std::move(table);
  return out;
}

}  // namespace spbench::evaluation
