// merge_study: the shards of a run folder checked against each other and
// joined into the results an unsharded run would have written.

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)
#include <nlohmann/json.hpp>

#include <fstream>
#include <optional>
#include <regex>
#include <set>

#include "spbench/study/shards.hpp"
#include "spbench/study/study.hpp"
#include "spbench/analysis/results/csv.hpp"
#include "study_report.hpp"

namespace spbench::evaluation {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::optional<double> optional_number(const std::string& cell, const std::string& what) {
  if (cell.empty()) return std::nullopt;
  auto v = tables::parse_number(cell);
  if (!v) throw std::runtime_error(fmt::format("{}: not a number: '{}'", what, cell));
  return v;
}

}  // namespace

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
  if (rows.size() != total || architecture_set_hash(indices) != hash)
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
  return write_study_results(spec, std::move(rows), run_dir, data_root, info, sink);
}

}  // namespace spbench::evaluation
