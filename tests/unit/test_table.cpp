// Ablation tables: approval tests for every format over a fixed set of fake
// cell folders (tests/golden/table/results: seeds to group, a cell without
// metrics, a failed cell, reference rows, predictions.csv written by
// make-predictions.py for the paired comparison), plus the rules behind them.
// Regenerate the golden files with SPBENCH_UPDATE_GOLDEN=1 and review the diff.

#include "catch.hpp"

#include <sys/wait.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spbench/analysis/tables/ablation.hpp"
#include "run_spbench.hpp"
#include "skip.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench::tables;

namespace {

fs::path golden_dir() { return fs::path(SPBENCH_TEST_SOURCE_DIR) / "golden" / "table"; }
fs::path fixture() { return golden_dir() / "results"; }

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void approve(const std::string& actual, const std::string& golden_name) {
  const fs::path golden = golden_dir() / golden_name;
  if (const char* update = std::getenv("SPBENCH_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    std::ofstream(golden, std::ios::binary) << actual;
    return;
  }
  INFO("golden file " << golden.string() << " (SPBENCH_UPDATE_GOLDEN=1 regenerates it)");
  REQUIRE(fs::exists(golden));
  CHECK(actual == read(golden));
}

AblationOptions with_baseline() {
  AblationOptions o;
  o.baseline = "sampler=uniform,strategy=one-shot";
  return o;
}

const AblationRow& row(const AblationTable& t, const std::string& label) {
  for (const auto& r : t.rows)
    if (r.label == label) return r;
  for (const auto& r : t.references)
    if (r.label == label) return r;
  FAIL("no row " << label);
  throw;
}

std::size_t column(const AblationTable& t, const std::string& key) {
  for (std::size_t i = 0; i < t.columns.size(); ++i)
    if (t.columns[i].key == key) return i;
  FAIL("no column " << key);
  return 0;
}

}  // namespace

TEST_CASE("The markdown table matches its approved version") {
  approve(ablation_table(fixture(), with_baseline(), "md"), "ablation.md");
}

TEST_CASE("The CSV table matches its approved version") {
  approve(ablation_table(fixture(), with_baseline(), "csv"), "ablation.csv");
}

TEST_CASE("The LaTeX table matches its approved version") {
  approve(ablation_table(fixture(), with_baseline(), "tex"), "ablation.tex");
}

TEST_CASE("The HTML table matches its approved version") {
  approve(ablation_table(fixture(), with_baseline(), "html"), "ablation.html");
}

TEST_CASE("spbench table without a baseline or timing matches its approved version") {
  const std::string cmd = "'" + std::string(SPBENCH_TEST_EXE) + "' table '" + fixture().string() + "' --no-timing 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  REQUIRE(WEXITSTATUS(::pclose(pipe)) == 0);
  CHECK(out.find("train time") == std::string::npos);
  approve(out, "no-baseline-no-timing.md");
}

TEST_CASE("Seeds are grouped as mean, sample std and the count of cells that have the value") {
  const auto t = build_ablation_table(read_cell_results(fixture()), with_baseline());
  REQUIRE(t.rows.size() == 4);
  const auto& uniform = row(t, "sampler=uniform,strategy=one-shot");
  const std::size_t tau = column(t, "kendall_tau");
  CHECK(uniform.cells == 3);
  CHECK(uniform.values[tau].n == 3);
  CHECK(uniform.values[tau].mean == Approx((0.512 + 0.534 + 0.498) / 3));
  CHECK(uniform.values[tau].stdev == Approx(0.018147).epsilon(1e-4));
  // The second strict-fair seed has no metrics.json: one value, no std.
  const auto& fair = row(t, "sampler=strict-fair,strategy=one-shot");
  CHECK(fair.values[tau].n == 1);
  CHECK(std::isnan(fair.values[tau].stdev));
  CHECK(fair.values[column(t, "final_loss")].n == 2);
  CHECK(fair.values[column(t, "train_seconds")].mean == Approx((21.5 + 21.5) / 2));
  // A failed cell contributes nothing.
  const auto& failed = row(t, "sampler=strict-fair,strategy=few-shot");
  CHECK(failed.finished == 0);
  CHECK(failed.values[column(t, "final_loss")].n == 0);
}

TEST_CASE("Δ is measured against the baseline and the best value of each column is marked") {
  const auto t = build_ablation_table(read_cell_results(fixture()), with_baseline());
  const std::size_t tau = column(t, "kendall_tau"), loss = column(t, "final_loss"), p = column(t, "precision_at_k");
  const auto& base = row(t, "sampler=uniform,strategy=one-shot");
  const auto& fair = row(t, "sampler=strict-fair,strategy=one-shot");
  CHECK(base.baseline);
  CHECK(std::isnan(base.delta[tau]));
  CHECK(fair.delta[tau] == Approx(0.561 - base.values[tau].mean));
  CHECK(fair.best[tau]);
  CHECK_FALSE(base.best[tau]);
  // Lower is better for the loss.
  CHECK(row(t, "strategy=few-shot,search_space.ops=[none, nor_conv_3x3]").best[loss]);
  CHECK(fair.best[p]);
  // Reference rows are read against, never marked best.
  CHECK_FALSE(row(t, "params").best[tau]);
  CHECK(row(t, "params").reference);
  CHECK(row(t, "params").values[tau].n == 2);  // two distinct architecture samples
}

TEST_CASE("A baseline that names no row is refused with the list of rows") {
  AblationOptions o;
  o.baseline = "sampler=unifrom";
  CHECK_THROWS_WITH(build_ablation_table(read_cell_results(fixture()), o),
                    Catch::Contains("names no row") && Catch::Contains("sampler=uniform,strategy=one-shot"));
  o.baseline = "d0a1b2c3";  // a cell id selects its row
  CHECK(row(build_ablation_table(read_cell_results(fixture()), o), "sampler=strict-fair,strategy=one-shot").baseline);
}

TEST_CASE("A bare RankingReport as metrics.json and a folder without matrix.json still make a table") {
  const fs::path dir = spbench::test::scratch_dir("table-bare");
  fs::create_directories(dir / "run-a");
  std::ofstream(dir / "run-a" / "status.json") << R"({"state": "finished"})";
  std::ofstream(dir / "run-a" / "metrics.json") << R"({"kendall_tau": {"value": 0.25}, "spearman_rho": 0.5})";
  fs::create_directories(dir / "run-b");
  std::ofstream(dir / "run-b" / "status.json") << R"({"state": "running"})";
  const auto t = build_ablation_table(read_cell_results(dir), {});
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].label == "run-a");
  CHECK(t.rows[0].values[0].mean == 0.25);
  CHECK(t.rows[0].values[1].mean == 0.5);
  CHECK(t.rows[1].values[0].n == 0);
  CHECK_THAT(render_ablation(t, "md"), Catch::Contains("| run-b | 0/1 | n/a |"));
  CHECK_THROWS_WITH(read_cell_results(dir / "run-b"), Catch::Contains("neither a matrix.json nor run folders"));
}

TEST_CASE("Without gnuplot, plots are skipped with a warning") {
  const auto cells = read_cell_results(fixture());
  const auto t = build_ablation_table(cells, {});
  const fs::path out = spbench::test::scratch_dir("table-plots");
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", "/nonexistent", 1);
  const auto skipped = write_ablation_plots(cells, t, out / "none");
  ::setenv("PATH", path.c_str(), 1);
  CHECK(skipped.written.empty());
  REQUIRE(skipped.warnings.size() == 1);
  CHECK_THAT(skipped.warnings[0], Catch::Contains("gnuplot not found"));
}

// A CTest test of its own (test_table:needs-gnuplot), "Skipped" without gnuplot.
TEST_CASE("Plots are written as PNG, SVG and PDF with gnuplot", "[needs-gnuplot]") {
  if (std::system("command -v gnuplot >/dev/null 2>&1") != 0)
    SPBENCH_SKIP("gnuplot is not installed (scripts/setup installs gnuplot-nox)");
  const auto cells = read_cell_results(fixture());
  const auto t = build_ablation_table(cells, {});
  const fs::path out = spbench::test::scratch_dir("table-plots-png");
  const auto plots = write_ablation_plots(cells, t, out / "png");
  INFO((plots.warnings.empty() ? "" : plots.warnings.front()));
  CHECK(plots.warnings.empty());
  REQUIRE(plots.written.size() == 9);
  for (const char* name : {"topn-kendall", "scatter", "ablation"}) {
    INFO(name);
    const std::string png = read(out / "png" / (std::string(name) + ".png"));
    REQUIRE(png.size() > 1000);
    CHECK(png.compare(0, 4, "\x89PNG") == 0);
    const std::string svg = read(out / "png" / (std::string(name) + ".svg"));
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
    const std::string pdf = read(out / "png" / (std::string(name) + ".pdf"));
    REQUIRE(pdf.size() > 1000);
    CHECK(pdf.compare(0, 5, "%PDF-") == 0);
    // The plot itself (terminal-free) and the script that renders it in every format.
    CHECK(fs::exists(out / "png" / (std::string(name) + ".plot.gp")));
    CHECK_THAT(read(out / "png" / (std::string(name) + ".gp")),
               Catch::Contains("pngcairo") && Catch::Contains("svg") && Catch::Contains("pdfcairo"));
  }
}

TEST_CASE("With a baseline, every row is compared pairwise on the common architectures, Holm-corrected") {
  const auto t = build_ablation_table(read_cell_results(fixture()), with_baseline());
  CHECK(t.seeded);
  CHECK(row(t, "sampler=uniform,strategy=one-shot").seeds == 3);
  CHECK(row(t, "sampler=strict-fair,strategy=one-shot").seeds == 2);  // both finished, one without metrics
  CHECK(row(t, "sampler=strict-fair,strategy=few-shot").seeds == 0);  // failed
  const auto& c = t.comparison;
  CHECK(c.baseline == "sampler=uniform,strategy=one-shot");
  CHECK(c.resamples == 1000);
  REQUIRE(c.rows.size() == 3);  // every row but the baseline
  const auto& fair = c.rows[0];
  REQUIRE(fair.compared);
  CHECK(fair.result.architectures == 40);
  CHECK(fair.result.a_seeds == std::vector<std::string>{"0"});  // the seed-1 cell has no predictions.csv
  CHECK(fair.result.b_seeds == std::vector<std::string>{"0", "1", "2"});
  CHECK_FALSE(fair.result.seeds_paired);
  CHECK(fair.result.metrics[0].test == spbench::statistics::PairedTest::ArchitecturesSignFlip);
  CHECK_FALSE(c.rows[1].compared);
  CHECK_THAT(c.rows[1].problem, Catch::Contains("no finished cell with predictions.csv"));
  // Holm over the two compared rows, per metric: never below the raw p, and
  // what marks a column's Δ in the main table.
  const std::size_t tau = column(t, "kendall_tau");
  for (const auto* rc : {&c.rows[0], &c.rows[2]})
    for (std::size_t k = 0; k < c.metrics.size(); ++k) {
      CHECK(rc->p_holm[k] >= rc->result.metrics[k].p_value);
      CHECK(rc->p_holm[k] <= std::min(1.0, 2 * rc->result.metrics[k].p_value) + 1e-15);
    }
  CHECK(fair.significant[0]);  // strict-fair's predictions are far less noisy
  CHECK(row(t, "sampler=strict-fair,strategy=one-shot").significant[tau]);
  CHECK_FALSE(row(t, "sampler=strict-fair,strategy=one-shot").significant[column(t, "best_truth")]);
  AblationOptions off = with_baseline();
  off.compare = false;
  CHECK(build_ablation_table(read_cell_results(fixture()), off).comparison.baseline.empty());
}

TEST_CASE("The JSON table holds the comparison in full and spbench table writes it beside the cells") {
  const fs::path dir = spbench::test::scratch_dir("table-comparison-json");
  fs::copy(fixture(), dir / "results", fs::copy_options::recursive);
  const auto r = spbench::test::run_spbench("table '" + (dir / "results").string() +
                                            "' --baseline sampler=uniform,strategy=one-shot --format json --resamples 200 --seed 3");
  INFO(r.output);
  REQUIRE(r.status == 0);
  REQUIRE(fs::exists(dir / "results" / "comparison.json"));
  const auto doc = nlohmann::json::parse(read(dir / "results" / "comparison.json"));
  const auto& cmp = doc.at("comparison");
  CHECK(cmp.at("bootstrap").at("resamples") == 200);
  CHECK(cmp.at("bootstrap").at("seed") == 3);
  const auto& tau = cmp.at("rows").at(0).at("metrics").at("kendall_tau");
  CHECK(tau.at("ci_low").get<double>() < tau.at("delta").get<double>());
  CHECK(tau.at("p_holm").get<double>() >= tau.at("p").get<double>());
  CHECK(tau.at("test") == "architectures (sign-flip)");
  CHECK(doc.at("rows").at(0).at("seeds") == 3);
  // Standard output carried the same document (--format json), then the note on standard error.
  CHECK_THAT(r.output, Catch::Contains("\"comparison\": {"));
  // Same seed, same numbers; another number of resamples, another interval but the same Δ.
  const auto again = build_ablation_table(read_cell_results(dir / "results"), [] {
    AblationOptions o = with_baseline();
    o.comparison_resamples = 200;
    o.comparison_seed = 3;
    return o;
  }());
  CHECK(again.comparison.rows[0].result.metrics[0].low == tau.at("ci_low").get<double>());
  const auto other = build_ablation_table(read_cell_results(dir / "results"), with_baseline());
  CHECK(other.comparison.rows[0].result.metrics[0].delta == tau.at("delta").get<double>());
  CHECK(other.comparison.rows[0].result.metrics[0].low != tau.at("ci_low").get<double>());
}

namespace {

// A run folder: finished, metrics.json claiming Kendall tau 0.5 by accuracy,
// and a predictions.csv of n architectures whose loss column is given.
void fake_run(const fs::path& dir, const std::vector<double>& loss, bool with_losses = true) {
  fs::create_directories(dir);
  std::ofstream(dir / "status.json") << R"({"state": "finished"})";
  std::ofstream(dir / "metrics.json") << R"({"metrics": {"kendall_tau": {"value": 0.5}, "spearman_rho": {"value": 0.5}}})";
  std::ofstream csv(dir / "predictions.csv");
  csv << "arch,index,prediction,loss,truth\n";
  for (std::size_t i = 0; i < loss.size(); ++i)
    csv << "," << i << "," << static_cast<double>(i) << "," << (with_losses ? std::to_string(loss[i]) : "") << ","
        << 70.0 + static_cast<double>(i) << "\n";
}

}  // namespace

TEST_CASE("Ranked by loss, every ranking column is recomputed from predictions.csv's loss and its heading says so") {
  const fs::path dir = spbench::test::scratch_dir("table-by-loss");
  std::vector<double> rising, falling;
  for (int i = 0; i < 12; ++i) {
    rising.push_back(1.0 + 0.1 * i);   // the loss grows with the truth: ranked by loss, tau = -1
    falling.push_back(2.0 - 0.1 * i);  // the loss falls as the truth grows: tau = +1
  }
  fake_run(dir / "a", rising);
  fake_run(dir / "b", falling);
  fake_run(dir / "c", rising, /*with_losses=*/false);

  const auto by_prediction = build_ablation_table(read_cell_results(dir), {});
  const std::size_t tau = column(by_prediction, "kendall_tau");
  CHECK(row(by_prediction, "a").values[tau].mean == 0.5);  // metrics.json as written
  CHECK(by_prediction.columns[tau].title == "Kendall τ");

  AblationOptions o;
  o.score = ScoreColumn::Loss;
  o.baseline = "a";
  const auto by_loss = build_ablation_table(read_cell_results(dir, o), o);
  CHECK(by_loss.columns[tau].title == "Kendall τ (by loss)");
  CHECK(by_loss.columns[column(by_loss, "final_loss")].title == "final loss");
  CHECK(row(by_loss, "a").values[tau].mean == Approx(-1.0));
  CHECK(row(by_loss, "b").values[tau].mean == Approx(1.0));
  CHECK(row(by_loss, "b").values[column(by_loss, "spearman_rho")].mean == Approx(1.0));
  CHECK(row(by_loss, "b").values[column(by_loss, "best_truth")].mean == Approx(81.0));
  CHECK(row(by_loss, "c").values[tau].n == 0);  // no losses: n/a, not its accuracy tau under a loss heading
  // The paired comparison ranks by the loss too.
  REQUIRE(by_loss.comparison.rows.size() == 2);
  REQUIRE(by_loss.comparison.rows[0].compared);
  CHECK(by_loss.comparison.rows[0].result.metrics[0].delta == Approx(2.0));
  CHECK_THAT(by_loss.comparison.rows[1].problem, Catch::Contains("holding losses"));
  CHECK_THAT(render_ablation(by_loss, "md"), Catch::Contains("ranked by its loss column, lower is better"));
  CHECK(nlohmann::json::parse(render_ablation(by_loss, "json")).at("score") == "loss");
  CHECK_THROWS_WITH(parse_score_column("ranks"), Catch::Contains("expected prediction"));
}
