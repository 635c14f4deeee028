// predictions.csv: exact round trip, reading any score column, joining with
// ground truth, and scoring a predictions file end to end.

#include "catch.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <spbench/analysis/metrics/correlation.hpp>
#include <spbench/analysis/metrics/score_predictions.hpp>
#include <spbench/analysis/results/ground_truth.hpp>
#include <spbench/analysis/results/joined_sample.hpp>
#include <spbench/analysis/results/predictions_file.hpp>

#include "test_paths.hpp"

using namespace spbench::tables;
namespace metrics = spbench::metrics;

namespace {

const std::string kArch0 =
    "|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|";
const std::string kArch1 =
    "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|";

void write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

IndexedValues values(std::map<int, double> m) { return IndexedValues("mem", "v", std::move(m)); }

}  // namespace

TEST_CASE("A predictions file reads back the exact numbers written, with empty cells for unknowns") {
  const auto dir = spbench::test::scratch_dir("predictions_round_trip");
  const std::vector<PredictionRow> rows = {
      {kArch0, 0, 1.0 / 3.0, 0.1 + 0.2, 85.86333333333334},
      {kArch1, 1, -1e-300, std::nullopt, std::nullopt},
  };
  write_predictions_csv(dir / "predictions.csv", rows);
  const auto csv = read_csv(dir / "predictions.csv");
  CHECK(csv.header == std::vector<std::string>{"arch", "index", "prediction", "loss", "truth"});

  const auto prediction = read_predictions(dir / "predictions.csv");
  CHECK(prediction.report.clean());
  CHECK(prediction.values.at(0) == 1.0 / 3.0);
  CHECK(prediction.values.at(1) == -1e-300);
  const auto loss = read_predictions(dir / "predictions.csv", "loss");
  CHECK(loss.values.at(0) == 0.1 + 0.2);
  CHECK(loss.report.counts.at(JoinIssue::MissingValue) == 1);
  const auto truth = read_predictions(dir / "predictions.csv", "truth", JoinKey::Arch);
  CHECK(truth.values.at(0) == 85.86333333333334);
  CHECK_FALSE(truth.values.contains(1));
}

TEST_CASE("Reading an unknown score column names the file and the column it probably meant") {
  const auto dir = spbench::test::scratch_dir("predictions_bad_column");
  write(dir / "p.csv", "index,score\n0,1\n");
  try {
    read_predictions(dir / "p.csv", "scores");
    FAIL("no error");
  } catch (const TableError& e) {
    CHECK_THAT(e.what(), Catch::Contains("p.csv: no column \"scores\"; did you mean \"score\"?"));
  }
}

TEST_CASE("Joining predictions with truth pairs them by index and counts the orphans on each side") {
  const auto sample = join(values({{1, 10}, {3, 30}, {5, 50}, {9, 90}}), values({{0, 0.5}, {3, 3.5}, {5, 5.5}}));
  CHECK(sample.indices == std::vector<int>{3, 5});
  CHECK(sample.prediction == std::vector<double>{30, 50});
  CHECK(sample.truth == std::vector<double>{3.5, 5.5});
  CHECK(sample.predictions_without_truth == 2);
  CHECK(sample.predictions_without_truth_examples == std::vector<int>{1, 9});
  CHECK(sample.truth_without_prediction == 1);
  CHECK(sample.truth_without_prediction_examples == std::vector<int>{0});
  CHECK_THAT(sample.summary(), Catch::Contains("2 predictions without truth (index 1, 9)"));
}

TEST_CASE("Only the first few orphans are kept as examples, all are counted") {
  std::map<int, double> many;
  for (int i = 0; i < 100; ++i) many[i] = i;
  const auto sample = join(values(many), values({}));
  CHECK(sample.predictions_without_truth == 100);
  CHECK(sample.predictions_without_truth_examples.size() == JoinedSample::kMaxExamples);
  CHECK_THAT(sample.summary(), Catch::Contains("index 0, 1, 2, 3, 4, …"));
}

TEST_CASE("Scoring a predictions file joins, reports left-out rows and scores every metric") {
  const auto dir = spbench::test::scratch_dir("score_predictions");
  write(dir / "truth.csv",
        "index,c_acc,params_c_M,flops_c_M\n"
        "0,90,3,30\n1,80,2,20\n2,70,1,10\n3,60,0.5,5\n4,50,0.1,1\n");
  // Index 7 has no truth; "x" is not an index.
  write(dir / "preds.csv", "index,loss\n0,0.1\n1,0.3\n2,0.2\n3,0.4\n7,0.9\nx,1\n");
  metrics::ScorePredictionsOptions options;
  options.predictions = dir / "preds.csv";
  options.column = "loss";
  options.lower_is_better = true;
  options.truth = dir / "truth.csv";
  options.metric = "c_acc";
  options.ranking.bootstrap_resamples = 50;
  const auto result = metrics::score_predictions(options);
  CHECK(result.sample.size() == 4);
  CHECK(result.sample.predictions_without_truth == 1);
  CHECK(result.sample.truth_without_prediction == 1);
  CHECK(result.predictions_rows.counts.at(JoinIssue::BadIndex) == 1);
  CHECK(result.truth_rows.clean());
  // Negated losses -0.1 -0.3 -0.2 -0.4 against 90 80 70 60: one swapped pair.
  CHECK(result.report.estimate("kendall_tau").value == Approx(4.0 / 6.0));
  CHECK(result.report.best.index == 0);
  CHECK(result.report.best.true_rank == 1);
  // Reference rows on the same four architectures: params order them exactly.
  REQUIRE(result.references.size() == 2);
  CHECK(result.references[0].column == "params_c_M");
  CHECK(result.references[0].report.n == 4);
  CHECK(result.references[0].report.estimate("kendall_tau").value == Approx(1.0));

  const std::string text = metrics::render(result, options);
  CHECK_THAT(text, Catch::Contains("preds.csv: 5 of 6 rows joined") && Catch::Contains("line 7: \"x\""));
  CHECK_THAT(text, Catch::Contains("1 predictions without truth (index 7)"));
  CHECK_THAT(text, Catch::Contains("Kendall tau-b") && Catch::Contains("params_c_M"));

  options.format = metrics::ReportFormat::Json;
  const auto j = nlohmann::json::parse(metrics::score_predictions_file(options));
  CHECK(j["metrics"]["n"] == 4);
  CHECK(j["metrics"]["kendall_tau"]["value"].get<double>() == Approx(4.0 / 6.0));
  CHECK(j["join"]["predictions_without_truth"] == 1);
  CHECK(j["join"]["predictions_rows"]["left_out"]["index not an integer"]["count"] == 1);
  CHECK(j["reference_rows"][1]["column"] == "flops_c_M");
  CHECK(j["predictions"]["lower_is_better"] == true);
}

TEST_CASE("Scoring says why when no prediction has a truth value") {
  const auto dir = spbench::test::scratch_dir("score_predictions_disjoint");
  write(dir / "truth.csv", "index,c_acc\n0,90\n1,80\n");
  write(dir / "preds.csv", "index,prediction\n5,1\n6,2\n");
  metrics::ScorePredictionsOptions options;
  options.predictions = dir / "preds.csv";
  options.truth = dir / "truth.csv";
  options.metric = "c_acc";
  CHECK_THROWS_WITH(metrics::score_predictions(options),
                    Catch::Contains("no architecture has both") && Catch::Contains("2 predictions without truth"));
  // Without params/FLOPs columns there are no reference rows, and a note says why.
  write(dir / "preds.csv", "index,prediction\n0,1\n1,2\n");
  options.ranking.bootstrap_resamples = 0;
  const auto result = metrics::score_predictions(options);
  CHECK(result.references.empty());
  CHECK_THAT(result.references_note, Catch::Contains("params_c_M"));
}
