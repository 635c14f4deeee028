// A run's results after training: predictions.csv, metrics.json, shards and
// their merge, and the `spbench score` / `run --shard` / `merge` commands.
#include <torch/torch.h>
#include "catch.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "spbench/study/study.hpp"
#include "spbench/analysis/results/csv.hpp"
#include "test_paths.hpp"

#include "tiny_training.hpp"

using namespace spbench;
using namespace spbench::evaluation;

namespace {

data::ImageDataset synthetic(std::int64_t n, std::uint64_t seed) { return test::tiny_dataset(n, seed); }

const OpSet kOps = OpSet::all().without(Op::NorConv1x1);

ExperimentSpec tiny_spec(const std::filesystem::path& out, GroundTruthSource truth) {
  ExperimentSpec spec;
  spec.name = "tiny";
  spec.seed = 3;
  spec.device = "cpu";
  spec.run.space = SearchSpace(kOps);
  spec.ops = kOps;
  spec.run.network.channels = 4;
  spec.run.network.cells_per_stage = 1;
  spec.data.resize = 8;
  spec.evaluation.architectures.kind = ArchitectureSelection::Kind::Sample;
  spec.evaluation.architectures.count = 40;
  spec.evaluation.bn = EvaluationSpec::BnMode::Recalibrate;
  spec.evaluation.recalibrate_batches = 1;
  spec.evaluation.batches = 1;
  spec.evaluation.batch_size = 16;
  spec.ground_truth.source = truth;
  spec.ground_truth.file = test::nb201_csv().string();
  spec.ground_truth.column = "cifar10_valid_acc_12ep";
  spec.ground_truth.stand_alone.architectures = 6;
  spec.ground_truth.stand_alone.epochs = 1;
  spec.ground_truth.stand_alone.batch_size = 16;
  spec.output.dir = out.string();
  return spec;
}

StudyInputs inputs_for(const ExperimentSpec& spec) {
  torch::manual_seed(5);
  NetworkSetup setup;
  setup.channels = 4;
  setup.cells_per_stage = 1;
  model::Supernet net(model::SupernetOptions(setup, spec.run.space));
  StudyInputs in;
  in.spec = &spec;
  in.networks.networks = {net};
  in.networks.info = {SubSupernet{"supernet", spec.run.space, true}};
  in.splits.train = synthetic(32, 1);
  in.splits.valid = synthetic(16, 2);
  in.data_root = test::data_root();
  in.sink = [](const std::string&) {};
  return in;
}

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a shell command; stdout goes to /dev/null unless the command redirects it.
int run_command(const std::string& cmd) {
  const bool redirected = cmd.find(" > ") != std::string::npos;
  return std::system((cmd + (redirected ? "" : " > /dev/null") + " 2> /dev/null").c_str());
}

}  // namespace

TEST_CASE("A run writes predictions.csv and metrics.json with truth, metrics and reference rows", "[evaluation]") {
  const auto dir = test::scratch_dir("study_outputs");
  const auto spec = tiny_spec(dir, GroundTruthSource::Csv);
  const auto result = run_study(inputs_for(spec), dir);
  CHECK(result.complete);
  CHECK(result.rows.size() == 40);
  const auto csv = tables::read_csv(dir / "predictions.csv");
  CHECK(csv.header == std::vector<std::string>{"arch", "index", "prediction", "loss", "truth"});
  CHECK(csv.rows.size() == 40);
  for (const auto& row : csv.rows) CHECK_FALSE(row[4].empty());
  const auto doc = nlohmann::json::parse(read_text(dir / "metrics.json"));
  for (const char* key : {"metrics", "reference_rows", "timing", "evaluation", "ground_truth", "architectures"})
    CHECK(doc.contains(key));
  CHECK(doc["metrics"]["n"] == 40);
  CHECK(doc["metrics"].contains("kendall_tau"));
  CHECK(doc["reference_rows"].size() == 2);
  CHECK(doc["reference_rows"][0]["column"] == "params_cifar10_M");
  CHECK(doc["timing"].contains("evaluation_seconds"));
  CHECK(std::filesystem::exists(dir / "scatter.gp"));
  CHECK(result.table.find("reference rows") != std::string::npos);
}

TEST_CASE("Sharded evaluation merged gives the same predictions and metrics as an unsharded run", "[evaluation]") {
  const auto whole_dir = test::scratch_dir("study_whole");
  const auto shard_dir = test::scratch_dir("study_shards");
  const auto spec = tiny_spec(whole_dir, GroundTruthSource::Csv);
  run_study(inputs_for(spec), whole_dir);
  for (int i = 0; i < 3; ++i) {
    CHECK_THROWS_WITH(merge_study(spec, shard_dir, test::data_root()),
                      i == 0 ? Catch::Contains("no finished shard") : Catch::Contains("missing"));
    const auto part = run_study(inputs_for(spec), shard_dir, ShardSpec{i, 3});
    CHECK_FALSE(part.complete);
    CHECK(std::filesystem::exists(shard_dir / shard_csv_name({i, 3})));
  }
  CHECK_FALSE(std::filesystem::exists(shard_dir / "predictions.csv"));
  merge_study(spec, shard_dir, test::data_root());
  CHECK(read_text(shard_dir / "predictions.csv") == read_text(whole_dir / "predictions.csv"));
  const auto a = nlohmann::json::parse(read_text(whole_dir / "metrics.json"));
  const auto b = nlohmann::json::parse(read_text(shard_dir / "metrics.json"));
  CHECK(a["metrics"] == b["metrics"]);
  CHECK(a["reference_rows"] == b["reference_rows"]);
  CHECK(a["evaluation"]["runs"] == b["evaluation"]["runs"]);

  // A shard of another architecture set is refused.
  auto other = tiny_spec(shard_dir, GroundTruthSource::Csv);
  other.seed = 4;
  run_study(inputs_for(other), shard_dir, ShardSpec{1, 3});
  CHECK_THROWS_WITH(merge_study(spec, shard_dir, test::data_root()), Catch::Contains("another architecture set"));
}

TEST_CASE("Stand-alone ground truth trains the stand-alone set once and scores against it with params and FLOPs rows",
          "[evaluation][ground_truth]") {
  const auto dir = test::scratch_dir("study_stand_alone");
  const auto spec = tiny_spec(dir, GroundTruthSource::StandAlone);
  const auto first = run_study(inputs_for(spec), dir);
  REQUIRE(first.rows.size() == 6);
  for (const auto& r : first.rows) CHECK(r.truth.has_value());
  auto doc = nlohmann::json::parse(read_text(dir / "metrics.json"));
  CHECK(doc["reference_rows"].size() == 2);
  CHECK(doc["timing"]["stand_alone_trained"].get<int>() > 0);
  // A second run (another cell of a matrix) reuses every stand-alone result.
  run_study(inputs_for(spec), dir);
  doc = nlohmann::json::parse(read_text(dir / "metrics.json"));
  CHECK(doc["timing"]["stand_alone_trained"] == 0);
}

TEST_CASE("spbench score prints the metrics of a predictions file as text or JSON", "[evaluation]") {
  const auto dir = test::scratch_dir("score_cli");
  std::ofstream(dir / "p.csv") << "index,prediction\n1462,90\n11472,80\n0,10\n5,70\n6111,95\n";
  const std::string exe = SPBENCH_TEST_EXE;
  const std::string base = exe + " score " + (dir / "p.csv").string() + " --truth " + test::nb201_csv().string() +
                           " --metric cifar10_test_acc --bootstrap 10";
  REQUIRE(run_command(base + " --format json > " + (dir / "out.json").string()) == 0);
  const auto doc = nlohmann::json::parse(read_text(dir / "out.json"));
  CHECK(doc["metrics"]["n"] == 5);
  REQUIRE(run_command(base + " > " + (dir / "out.txt").string()) == 0);
  CHECK(read_text(dir / "out.txt").find("reference rows") != std::string::npos);
  CHECK(run_command(base + " --metric no_such_column") != 0);
}

TEST_CASE("spbench run --shard and spbench merge give the files of an unsharded run", "[evaluation]") {
  const auto dir = test::scratch_dir("shard_cli");
  const std::string exe = SPBENCH_TEST_EXE;
  const std::string run = exe + " run --threads 1 --data-root " + test::data_root().string() +
                          " --set training.epochs=1 --set training.steps_per_epoch=2 --set training.log_every=0"
                          " --set data.train_subset=64 --set data.valid_subset=32 --set supernet.channels=4"
                          " --set 'evaluation.architectures={sample: 30}' --set evaluation.batches=1"
                          " --set evaluation.batch_size=32 --set 'evaluation.bn={recalibrate: 1}'"
                          " --set ground_truth.source=none";
  REQUIRE(run_command(run + " --out " + (dir / "whole").string()) == 0);
  REQUIRE(run_command(run + " --out " + (dir / "sharded").string() + " --shard 0/2") == 0);
  CHECK(run_command(exe + " merge " + (dir / "sharded").string()) != 0);  // shard 1 missing
  REQUIRE(run_command(run + " --out " + (dir / "sharded").string() + " --shard 1/2") == 0);
  REQUIRE(run_command(exe + " merge " + (dir / "sharded").string()) == 0);
  CHECK(read_text(dir / "sharded" / "predictions.csv") == read_text(dir / "whole" / "predictions.csv"));
  CHECK(read_text(dir / "sharded" / "status.json").find("finished") != std::string::npos);
}
