// Reference rows on the real NAS-Bench-201 table: model size as a predictor
// of accuracy, which any super-network ranking should be read against.

#include "catch.hpp"

#include <chrono>
#include <fstream>
#include <map>
#include <iostream>
#include <spbench/analysis/metrics/reference_predictors.hpp>
#include <spbench/analysis/results/ground_truth.hpp>

#include "test_paths.hpp"

using namespace spbench;

TEST_CASE("The dataset of a benchmark column is its first word") {
  CHECK(metrics::dataset_of_column("cifar10_test_acc") == "cifar10");
  CHECK(metrics::dataset_of_column("cifar10_valid_acc_12ep") == "cifar10");
  CHECK(metrics::dataset_of_column("imagenet16_test_acc") == "imagenet16");
}

TEST_CASE("Parameter count alone ranks NAS-Bench-201 CIFAR-10 with Kendall tau-b near 0.578") {
  const auto table = tables::BenchmarkTable::read(test::nb201_csv());
  const auto truth = tables::load_ground_truth(table, "cifar10_test_acc");
  REQUIRE(truth.report.clean());
  metrics::RankingOptions options;
  options.bootstrap_resamples = 20;  // the interval's machinery, not its precision
  const auto start = std::chrono::steady_clock::now();
  const auto rows = metrics::score_reference_predictors(table, truth.values, "cifar10", options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(rows.size() == 2);
  const auto& params = rows[0].report;
  const auto& flops = rows[1].report;
  std::cout << "params_cifar10_M vs cifar10_test_acc over " << params.n << " architectures: Kendall tau-b "
            << params.estimate("kendall_tau").value << " [" << params.estimate("kendall_tau").low << ", " << params.estimate("kendall_tau").high
            << "], Spearman " << params.estimate("spearman_rho").value << ", Pearson " << params.estimate("pearson_r").value
            << "; flops tau-b " << flops.estimate("kendall_tau").value << " (" << seconds << " s for both rows)\n";
  CHECK(rows[0].column == "params_cifar10_M");
  CHECK(params.n == 15625);
  CHECK(params.estimate("kendall_tau").value == Approx(0.578).margin(0.005));
  CHECK(params.estimate("kendall_tau").low <= params.estimate("kendall_tau").value);
  CHECK(params.estimate("kendall_tau").value <= params.estimate("kendall_tau").high);
  CHECK(flops.estimate("kendall_tau").value > 0.5);
  CHECK(params.top_n_kendall.size() == 8);
}

TEST_CASE("Reference rows can be restricted to the architectures a super-network scored") {
  const auto table = tables::BenchmarkTable::read(test::nb201_csv());
  const auto truth = tables::load_ground_truth(table, "cifar100_test_acc");
  metrics::RankingOptions options;
  options.bootstrap_resamples = 0;
  const std::vector<int> only = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const auto rows = metrics::score_reference_predictors(table, truth.values, "cifar100", options, only);
  CHECK(rows[0].report.n == only.size());
  CHECK(rows[1].column == "flops_cifar100_M");
  CHECK_THROWS_WITH(metrics::score_reference_predictors(table, truth.values, "mnist", options),
                    Catch::Contains("no column \"params_mnist_M\""));
}

TEST_CASE("Each column of a zero-cost scores file is a reference row on the same architectures, undefined scores left "
          "out") {
  const auto dir = test::scratch_dir("zero_cost_rows");
  const auto file = dir / "scores.csv";
  {
    std::ofstream out(file);
    // synflow ranks the four exactly as the truth; naswot exactly backwards
    // and undefined (empty) for index 3.
    out << "index,synflow,naswot\n";
    out << "0,1,4\n";
    out << "1,2,3\n";
    out << "2,3,2\n";
    out << "3,4,\n";
  }
  std::map<int, double> values = {{0, 10.0}, {1, 20.0}, {2, 30.0}, {3, 40.0}, {4, 50.0}};
  const tables::GroundTruth truth("truth", "acc", values);
  metrics::RankingOptions options;
  options.bootstrap_resamples = 0;
  const auto rows = metrics::score_zero_cost_rows(file, truth, options);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].name == "synflow");
  CHECK(rows[0].report.n == 4);
  CHECK(rows[0].report.estimate("kendall_tau").value == Approx(1.0));
  CHECK(rows[1].name == "naswot");
  CHECK(rows[1].report.n == 3);
  CHECK(rows[1].report.estimate("kendall_tau").value == Approx(-1.0));
  // Restricted to the architectures a super-network scored.
  const auto only = metrics::score_zero_cost_rows(file, truth, options, {0, 1, 4});
  CHECK(only[0].report.n == 2);
  // A file without a score column is refused.
  std::ofstream(dir / "empty.csv") << "index\n0\n";
  CHECK_THROWS_WITH(metrics::score_zero_cost_rows(dir / "empty.csv", truth, options),
                    Catch::Contains("no zero-cost score column"));
}
