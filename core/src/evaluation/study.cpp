#include "spbench/evaluation/study.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "../metrics/report_json.hpp"
#include "spbench/atomic_file.hpp"
#include "spbench/evaluation/architecture_set.hpp"
#include "spbench/ground_truth/stand_alone.hpp"
#include "spbench/metrics/ranking_metrics.hpp"
#include "spbench/metrics/reference_predictors.hpp"
#include "spbench/tables/benchmark_table.hpp"
#include "spbench/tables/csv.hpp"
#include "spbench/tables/ground_truth.hpp"
#include "spbench/tables/table_error.hpp"

namespace spbench::evaluation {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Sink = std::function<void(const std::string&)>;

namespace {

void say(const Sink& sink, const std::string& line) {
  if (sink) sink(line); else std::fprintf(stderr, "%s\n", line.c_str());
}

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

// Identifies the evaluated set, so that shards of different sets never merge.
std::string set_hash(const std::vector<int>& indices) {
  std::string text;
  for (int i : indices) text += std::to_string(i) + ",";
  return fmt::format("{:016x}", fnv1a(text));
}

const char* bn_name(EvaluationSpec::BnMode mode) {
  switch (mode) {
    case EvaluationSpec::BnMode::Running: return "running";
    case EvaluationSpec::BnMode::Batch: return "batch";
    case EvaluationSpec::BnMode::Recalibrate: return "recalibrate";
  }
  return "?";
}

tables::JoinKey join_key_of(const ExperimentSpec& spec) {
  return spec.ground_truth.join == GroundTruthJoin::Index ? tables::JoinKey::Index : tables::JoinKey::Arch;
}

std::string fmt_or_na(double v) { return std::isnan(v) ? std::string("n/a") : fmt::format("{:.4f}", v); }

struct Scored {
  std::vector<double> pred, truth;
  std::vector<int> ids;
};

// predictions.csv, metrics.json, the plot and the printed table, from the
// complete rows: the one code path for unsharded runs and merges.
StudyResult finish(const ExperimentSpec& spec, std::vector<tables::PredictionRow> rows, const fs::path& run_dir,
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
    doc["metrics"] = metrics::detail::report_json(report);

    std::vector<metrics::ReferenceRow> refs;
    std::string refs_note;
    if (source == GroundTruthSource::Csv) {
      try {
        const auto bench = tables::BenchmarkTable::read(resolve_data_path(spec.ground_truth.file, data_root));
        const auto truth = tables::load_ground_truth(bench, spec.ground_truth.column, join_key_of(spec));
        refs = metrics::score_reference_predictors(bench, truth.values,
                                                   metrics::dataset_of_column(spec.ground_truth.column), options, s.ids);
      } catch (const std::exception& e) {
        refs_note = fmt::format("no reference rows: {}", e.what());
      }
    } else {
      // Stand-alone truth: parameters and FLOPs of the networks that were
      // trained (the spec's C, N and input size).
      const NetworkShape shape = network_shape_of(spec);
      std::vector<double> params, flops;
      bool flops_ok = shape.input_size % 4 == 0;
      NetworkShape p_shape = shape;
      if (!flops_ok) p_shape.input_size = 32;  // parameters do not depend on the input size
      for (int index : s.ids) {
        const CellArch a = nb201_arch(index);
        params.push_back(architecture_cost(a, p_shape).params_M);
        if (flops_ok) flops.push_back(architecture_cost(a, shape).flops_M);
      }
      const std::string tag = fmt::format("C={},N={},{}px", shape.channels, shape.cells_per_stage, shape.input_size);
      refs.push_back({"params", "params_M (" + tag + ")", metrics::score_ranking(params, s.truth, options, s.ids)});
      if (flops_ok)
        refs.push_back({"flops", "flops_M (" + tag + ")", metrics::score_ranking(flops, s.truth, options, s.ids)});
      else
        refs_note = fmt::format("no FLOPs reference row: input size {} is not divisible by 4", shape.input_size);
    }
    json rj = json::array();
    for (const auto& r : refs) rj.push_back({{"name", r.name}, {"column", r.column}, {"metrics", metrics::detail::report_json(r.report)}});
    doc["reference_rows"] = rj;
    if (!refs_note.empty()) doc["reference_rows_note"] = refs_note;

    table = fmt::format("super-network accuracy vs {} ({} architectures)\n",
                        source == GroundTruthSource::Csv ? spec.ground_truth.column : std::string("stand-alone accuracy"), s.ids.size());
    table += metrics::to_text(report);
    for (const auto& r : refs) {
      if (&r == &refs.front())
        table += fmt::format("\nreference rows (same {} architectures)\n  {:<28} {:>8} {:>8} {:>8}\n", r.report.n,
                             "predictor", "tau-b", "rho", "r");
      table += fmt::format("  {:<28} {:>8} {:>8} {:>8}\n", r.column, fmt_or_na(r.report.kendall_tau.value),
                           fmt_or_na(r.report.spearman_rho.value), fmt_or_na(r.report.pearson_r.value));
    }
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

std::string quote_shell(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool on_path(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (!path) return false;
  std::string p = path;
  std::size_t start = 0;
  while (start <= p.size()) {
    const std::size_t end = p.find(':', start);
    const std::string dir = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
    std::error_code ec;
    if (!dir.empty() && fs::is_regular_file(fs::path(dir) / program, ec)) return true;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return false;
}

std::optional<double> optional_number(const std::string& cell, const std::string& what) {
  if (cell.empty()) return std::nullopt;
  auto v = tables::parse_number(cell);
  if (!v) throw std::runtime_error(fmt::format("{}: not a number: '{}'", what, cell));
  return v;
}

}  // namespace

ShardSpec parse_shard(const std::string& text) {
  static const std::regex re(R"(^\s*(\d+)\s*/\s*(\d+)\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re) || m[1].length() > 6 || m[2].length() > 6)
    throw std::invalid_argument(fmt::format("--shard '{}': expected I/N, e.g. 0/4", text));
  ShardSpec s{std::stoi(m[1]), std::stoi(m[2])};
  if (s.count < 1 || s.index >= s.count)
    throw std::invalid_argument(fmt::format("--shard '{}': expected 0 <= I < N", text));
  return s;
}

std::string shard_csv_name(const ShardSpec& s) { return fmt::format("predictions.shard-{}-of-{}.csv", s.index, s.count); }
std::string shard_json_name(const ShardSpec& s) { return fmt::format("predictions.shard-{}-of-{}.json", s.index, s.count); }

NetworkShape network_shape_of(const ExperimentSpec& spec) {
  NetworkShape shape;
  shape.channels = spec.run.network.channels;
  shape.cells_per_stage = spec.run.network.cells_per_stage;
  shape.num_classes = dataset_num_classes(spec.data.dataset);
  shape.input_channels = dataset_input_channels(spec.data.dataset);
  const bool mnist = spec.data.dataset == Dataset::Mnist || spec.data.dataset == Dataset::FashionMnist;
  shape.input_size = spec.data.resize > 0 ? spec.data.resize : (mnist ? 28 : 32);
  return shape;
}

bool plot_scatter(const fs::path& dir, const std::string& title, const Sink& sink) {
  std::string safe_title;
  for (char c : title) safe_title += (c == '\'' || c == '\\') ? '_' : c;
  const std::string script = fmt::format(
      "# prediction vs truth; made by spbench, rerun with: gnuplot scatter.gp\n"
      "set datafile separator ','\n"
      "set terminal png size 900,700\n"
      "set output 'scatter.png'\n"
      "set title '{}' noenhanced\n"
      "set xlabel 'super-network validation accuracy (%)'\n"
      "set ylabel 'ground truth'\n"
      "set key off\n"
      "set grid\n"
      "# columns: arch,index,prediction,loss,truth (the header line is skipped)\n"
      "plot 'predictions.csv' every ::1 using 3:5 with points pt 7 ps 0.4\n",
      safe_title);
  write_file_atomic(dir / "scatter.gp", script);
  if (!on_path("gnuplot")) {
    say(sink, "warning: gnuplot not found: no scatter.png (install gnuplot-nox, then run `gnuplot scatter.gp` in the run folder)");
    return false;
  }
  const std::string cmd = fmt::format("cd {} && gnuplot scatter.gp > gnuplot.log 2>&1", quote_shell(dir.string()));
  if (std::system(cmd.c_str()) != 0) {
    say(sink, fmt::format("warning: gnuplot failed, no scatter.png (see {})", (dir / "gnuplot.log").string()));
    return false;
  }
  std::error_code ec;
  fs::remove(dir / "gnuplot.log", ec);
  return true;
}

StudyResult run_study(const StudyInputs& in, const fs::path& run_dir, ShardSpec shard) {
  const ExperimentSpec& spec = *in.spec;
  const Sink& sink = in.sink;
  const GroundTruthSource source = spec.ground_truth.source;

  std::optional<tables::GroundTruthLoad> csv_truth;
  if (source == GroundTruthSource::Csv) {
    const fs::path file = resolve_data_path(spec.ground_truth.file, in.data_root);
    csv_truth = tables::load_ground_truth(file, spec.ground_truth.column, join_key_of(spec));
    say(sink, fmt::format("ground truth: {} column {} ({} architectures)", file.string(), spec.ground_truth.column,
                          csv_truth->values.size()));
    if (!csv_truth->report.clean()) say(sink, "ground truth: " + csv_truth->report.summary());
  }

  std::vector<CellArch> archs;
  NetworkShape shape = network_shape_of(spec);
  shape.num_classes = in.splits.valid.num_classes;
  shape.input_channels = static_cast<int>(in.splits.valid.channels());
  if (source == GroundTruthSource::StandAlone) {
    archs = ground_truth::stand_alone_sample(spec.run.space, spec.ground_truth.stand_alone.architectures, spec.seed, shape);
    if (spec.evaluation.architectures.kind != ArchitectureSelection::Kind::All)
      say(sink, "note: with stand-alone ground truth the evaluated set is the stand-alone set "
                "(ground_truth.stand_alone.architectures); evaluation.architectures is not used");
  } else {
    ArchitectureSet set = select_architectures(spec.evaluation.architectures, spec.run.space, spec.seed,
                                               csv_truth ? &csv_truth->values : nullptr);
    for (const auto& n : set.notes) say(sink, "note: " + n);
    archs = std::move(set.architectures);
  }
  if (archs.empty()) throw std::runtime_error("no architecture to evaluate");

  EvaluationConfig config = evaluation_config_of(spec, in.device);
  config.progress_bar = in.progress_bar;
  config.sink = sink;
  Evaluator evaluator(in.networks, in.splits.valid, &in.splits.train, config);
  const EvaluationPlan plan = plan_evaluation(archs, evaluator.networks(), config);
  std::size_t no_path = 0;
  for (const auto& g : plan.groups)
    if (g.network < 0) no_path += g.members.size();
  bool zero_rule = false;
  for (bool z : plan.zero_rule) zero_rule = zero_rule || z;
  say(sink, fmt::format("evaluating {} architectures: {} functionally distinct runs ({} rule), {} without an "
                        "input→output path (chance, not run); BN {}, {} validation images each{}",
                        archs.size(), plan.runs(), zero_rule ? "dead-edge + zero-node" : "dead-edge", no_path,
                        bn_name(spec.evaluation.bn), evaluator.validation_images(),
                        shard.sharded() ? fmt::format("; shard {}/{}", shard.index, shard.count) : ""));
  const EvaluationPlan part = shard.sharded() ? shard_plan(plan, shard.index, shard.count) : plan;
  const std::vector<ArchitectureResult> results = evaluator.evaluate(archs, part);

  std::map<int, double> truth;
  double stand_alone_seconds = 0;
  int stand_alone_trained = 0;
  if (csv_truth) {
    truth = csv_truth->values.values();
  } else if (source == GroundTruthSource::StandAlone) {
    auto config_sa = ground_truth::stand_alone_config_of(spec, in.splits.valid.num_classes,
                                                         static_cast<int>(in.splits.valid.channels()), in.device);
    ground_truth::StandAloneTrainer trainer(config_sa, in.splits.train, in.splits.valid,
                                            fs::path(spec.output.dir) / ".standalone-cache");
    trainer.set_message_sink(sink);
    say(sink, fmt::format("stand-alone ground truth: {} architectures, cache {}", results.size(),
                          trainer.cache_dir().string()));
    std::vector<CellArch> mine;
    for (const auto& r : results) mine.push_back(r.arch);
    const auto start = std::chrono::steady_clock::now();
    for (const auto& r : trainer.get_all(mine)) truth[r.index] = r.accuracy;
    stand_alone_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    stand_alone_trained = trainer.trainings();
  }

  std::vector<tables::PredictionRow> rows;
  std::size_t shared = 0;
  for (const auto& r : results) {
    tables::PredictionRow row;
    row.arch = r.arch.to_string();
    row.index = r.index;
    row.prediction = r.accuracy;
    row.loss = r.loss;
    if (auto it = truth.find(r.index); it != truth.end()) row.truth = it->second;
    rows.push_back(row);
    shared += r.source == ResultSource::Shared;
  }

  std::vector<int> all_indices;
  for (const auto& a : archs) all_indices.push_back(nb201_index(a));
  std::sort(all_indices.begin(), all_indices.end());
  json info;
  info["evaluation"] = {{"bn", bn_name(spec.evaluation.bn)},
                        {"recalibrate_batches", spec.evaluation.recalibrate_batches},
                        {"validation_images", evaluator.validation_images()},
                        {"runs", evaluator.stats().runs},
                        {"shared", shared},
                        {"no_path", static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [](const auto& r) {
                           return r.source == ResultSource::NoPath;
                         }))},
                        {"zero_node_rule", zero_rule}};
  info["timing"] = {{"training_seconds", in.training_seconds},
                    {"evaluation_seconds", evaluator.stats().seconds},
                    {"evaluation_images", evaluator.stats().images},
                    {"stand_alone_seconds", stand_alone_seconds},
                    {"stand_alone_trained", stand_alone_trained}};

  if (shard.sharded()) {
    tables::write_predictions_csv(run_dir / shard_csv_name(shard), rows);
    json side = {{"shard", shard.index},
                 {"shards", shard.count},
                 {"architectures", rows.size()},
                 {"architectures_total", archs.size()},
                 {"set_hash", set_hash(all_indices)},
                 {"info", info}};
    // Written last: its presence says the shard's CSV is complete.
    write_file_atomic(run_dir / shard_json_name(shard), side.dump(2) + "\n");
    say(sink, fmt::format("shard {}/{}: {} architectures written to {}; merge with `spbench merge {}` when every "
                          "shard is done", shard.index, shard.count, rows.size(), shard_csv_name(shard), run_dir.string()));
    StudyResult out;
    out.rows = std::move(rows);
    return out;
  }
  return finish(spec, std::move(rows), run_dir, in.data_root, info, sink);
}

StudyResult merge_study(const ExperimentSpec& spec, const fs::path& run_dir, const fs::path& data_root, const Sink& sink) {
  static const std::regex name_re(R"(^predictions\.shard-(\d+)-of-(\d+)\.json$)");
  std::set<int> counts;
  if (!fs::is_directory(run_dir)) throw std::runtime_error(fmt::format("{}: not a run folder", run_dir.string()));
  for (const auto& entry : fs::directory_iterator(run_dir)) {
    std::smatch m;
    const std::string name = entry.path().filename().string();
    if (std::regex_match(name, m, name_re)) counts.insert(std::stoi(m[2]));
  }
  if (counts.empty())
    throw std::runtime_error(fmt::format("{}: no finished shard (predictions.shard-I-of-N.json) to merge", run_dir.string()));
  if (counts.size() > 1)
    throw std::runtime_error(fmt::format("{}: shards of different counts ({}) present; remove the stale ones",
                                         run_dir.string(), fmt::join(counts, ", ")));
  const int n = *counts.begin();
  std::vector<tables::PredictionRow> rows;
  std::set<int> seen;
  std::string hash;
  std::size_t total = 0;
  json info;
  double eval_seconds = 0, sa_seconds = 0;
  std::int64_t images = 0, runs = 0, shared = 0, no_path = 0, sa_trained = 0;
  std::vector<int> missing;
  for (int i = 0; i < n; ++i)
    if (!fs::exists(run_dir / shard_json_name({i, n})) || !fs::exists(run_dir / shard_csv_name({i, n}))) missing.push_back(i);
  if (!missing.empty())
    throw std::runtime_error(fmt::format("{}: shard(s) {} of {} missing or unfinished; run them with `spbench run SPEC "
                                         "--out {} --shard I/{}`", run_dir.string(), fmt::join(missing, ", "), n,
                                         run_dir.string(), n));
  for (int i = 0; i < n; ++i) {
    const ShardSpec s{i, n};
    std::ifstream in(run_dir / shard_json_name(s));
    const json side = json::parse(in);
    if (i == 0) {
      hash = side.at("set_hash").get<std::string>();
      total = side.at("architectures_total").get<std::size_t>();
      info = side.at("info");
    } else if (side.at("set_hash").get<std::string>() != hash || side.at("architectures_total").get<std::size_t>() != total) {
      throw std::runtime_error(fmt::format("{}: shard {} evaluated another architecture set than shard 0 (different "
                                           "spec?); rerun it", run_dir.string(), i));
    }
    const auto& si = side.at("info");
    eval_seconds += si.at("timing").at("evaluation_seconds").get<double>();
    images += si.at("timing").at("evaluation_images").get<std::int64_t>();
    sa_seconds += si.at("timing").at("stand_alone_seconds").get<double>();
    sa_trained += si.at("timing").at("stand_alone_trained").get<std::int64_t>();
    runs += si.at("evaluation").at("runs").get<std::int64_t>();
    shared += si.at("evaluation").at("shared").get<std::int64_t>();
    no_path += si.at("evaluation").at("no_path").get<std::int64_t>();

    const fs::path csv_file = run_dir / shard_csv_name(s);
    const tables::CsvTable csv = tables::read_csv(csv_file);
    const std::vector<std::string> expected = {"arch", "index", "prediction", "loss", "truth"};
    if (csv.header != expected)
      throw std::runtime_error(fmt::format("{}: expected the columns arch,index,prediction,loss,truth", csv_file.string()));
    if (csv.rows.size() != side.at("architectures").get<std::size_t>())
      throw std::runtime_error(fmt::format("{}: {} rows, but the shard recorded {}; rerun the shard", csv_file.string(),
                                           csv.rows.size(), side.at("architectures").get<std::size_t>()));
    for (std::size_t r = 0; r < csv.rows.size(); ++r) {
      const auto& cells = csv.rows[r];
      const std::string where = fmt::format("{}:{}", csv_file.string(), csv.lines[r]);
      tables::PredictionRow row;
      row.arch = cells[0];
      row.index = std::stoi(cells[1]);
      const auto pred = optional_number(cells[2], where);
      if (!pred) throw std::runtime_error(where + ": empty prediction");
      row.prediction = *pred;
      row.loss = optional_number(cells[3], where);
      row.truth = optional_number(cells[4], where);
      if (!seen.insert(row.index).second)
        throw std::runtime_error(fmt::format("{}: architecture {} is in more than one shard", where, row.index));
      rows.push_back(row);
    }
  }
  std::vector<int> indices(seen.begin(), seen.end());
  if (rows.size() != total || set_hash(indices) != hash)
    throw std::runtime_error(fmt::format("{}: the shards hold {} architectures, the evaluated set has {}; rerun the shards",
                                         run_dir.string(), rows.size(), total));
  info["timing"]["evaluation_seconds"] = eval_seconds;
  info["timing"]["evaluation_images"] = images;
  info["timing"]["stand_alone_seconds"] = sa_seconds;
  info["timing"]["stand_alone_trained"] = sa_trained;
  info["evaluation"]["runs"] = runs;
  info["evaluation"]["shared"] = shared;
  info["evaluation"]["no_path"] = no_path;
  info["shards"] = n;
  say(sink, fmt::format("merged {} shards: {} architectures", n, rows.size()));
  return finish(spec, std::move(rows), run_dir, data_root, info, sink);
}

}  // namespace spbench::evaluation
