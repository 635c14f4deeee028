// `spbench matrix` running real (tiny) cells locally: a failing cell does not
// stop the others, reruns skip finished cells, a killed matrix (and killed
// cells: SPBENCH_FAULT) resumes with every cell finished exactly once, and a second matrix on the same results
// folder is refused.

#include "catch.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "spbench/study/matrix/local_scheduler.hpp"
#include "spbench/study/matrix/results.hpp"
#include "run_spbench.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using namespace spbench;

namespace {

using Result = spbench::test::CliResult;
Result run(const std::string& args) { return spbench::test::run_spbench(args); }
std::string read(const fs::path& p) { return spbench::test::read_file(p); }

int lines(const fs::path& p) {
  std::ifstream in(p);
  int n = 0;
  for (std::string l; std::getline(in, l);) n += l.empty() ? 0 : 1;
  return n;
}

// The tiny Fashion-MNIST experiment of test_cli_run.cpp plus a matrix.
fs::path tiny_matrix(const fs::path& dir, int epochs, const std::string& matrix) {
  const fs::path spec = dir / "tiny-matrix.yaml";
  std::ofstream(spec) << test::tiny_cli_spec_text(epochs) << "matrix:\n" << matrix;
  return spec;
}

// `spbench matrix SPEC --out OUT`, JOBS cells at a time, one thread each, no
// plots; `env` as for run_spbench (SPBENCH_FAULT=…).
Result run_matrix(const fs::path& spec, const fs::path& out, int jobs, const std::string& env = "") {
  return spbench::test::run_spbench("matrix '" + spec.string() + "' --jobs " + std::to_string(jobs) +
                                        " --threads 1 --no-plots --out '" + out.string() + "'",
                                    env);
}

std::string state_of(const fs::path& cell_dir) {
  return nlohmann::json::parse(read(cell_dir / "status.json")).value("state", "");
}

}  // namespace

TEST_CASE("A failing cell is reported with its log and does not stop the others; a rerun skips finished cells") {
  const fs::path dir = test::scratch_dir("matrix-run-fail");
  const fs::path spec =
      tiny_matrix(dir, 1, "  data.root: [/usr/share/datasets/fashion-mnist, /nonexistent/fashion-mnist]\n");
  const fs::path out = dir / "results";
  const Result r = run_matrix(spec, out, 2);
  INFO(r.output);
  CHECK(r.status != 0);
  const auto index = matrix::read_matrix_json(out);
  REQUIRE(index.cells.size() == 2);
  const fs::path good = out / index.cells[0].id, bad = out / index.cells[1].id;
  CHECK(state_of(good) == "finished");
  CHECK(lines(good / "train-log.jsonl") == 1);
  CHECK(state_of(bad) == "failed");
  CHECK_THAT(r.output, Catch::Contains("FAILED data.root=/nonexistent/fashion-mnist") &&
                           Catch::Contains((bad / "stdout.log").string()));
  CHECK_THAT(read(bad / "stdout.log"), Catch::Contains("nonexistent"));
  CHECK_THAT(r.output, Catch::Contains("1 of 2 cells did not finish"));
  // The table is printed even so, with the failed cell's values n/a.
  CHECK_THAT(r.output, Catch::Contains("| data.root=/nonexistent/fashion-mnist | 0/1 | n/a |"));

  const auto before = fs::last_write_time(good / "train-log.jsonl");
  const Result again = run_matrix(spec, out, 2);
  INFO(again.output);
  CHECK(again.status != 0);
  CHECK_THAT(again.output, Catch::Contains("1 of 2 cells already finished"));
  CHECK(fs::last_write_time(good / "train-log.jsonl") == before);

  const Result status = run("matrix --status '" + out.string() + "'");
  CHECK(status.status == 0);
  CHECK_THAT(status.output, Catch::Contains("2 cells: 1 finished, 0 running, 0 interrupted, 1 failed, 0 pending"));
}

TEST_CASE("A cell whose loss turns non-finite is marked failed with the trainer's message; the others finish") {
  const fs::path dir = test::scratch_dir("matrix-run-nonfinite");
  // A learning rate of 1e30 sends the weights to infinity within a few steps.
  const fs::path spec = tiny_matrix(dir, 2, "  training.learning_rate: [0.05, 1.0e30]\n");
  const fs::path out = dir / "results";
  const Result r = run_matrix(spec, out, 1);
  INFO(r.output);
  CHECK(r.status != 0);
  const auto index = matrix::read_matrix_json(out);
  REQUIRE(index.cells.size() == 2);
  const fs::path good = out / index.cells[0].id, bad = out / index.cells[1].id;
  CHECK(state_of(good) == "finished");
  CHECK(lines(good / "train-log.jsonl") == 2);
  CHECK(state_of(bad) == "failed");
  CHECK_THAT(read(bad / "stdout.log"), Catch::Contains("non-finite loss at epoch 1"));
  CHECK_THAT(r.output, Catch::Contains("1 of 2 cells did not finish"));
}

TEST_CASE("A killed matrix resumes: every cell finishes exactly once, nothing lost or duplicated") {
  const fs::path dir = test::scratch_dir("matrix-run-kill");
  const fs::path spec = tiny_matrix(dir, 3, "  sampler: [uniform, strict-fair]\n");
  const fs::path out = dir / "results";

  // Every cell dies right after its first checkpoint (the variable reaches
  // the cells); the matrix itself lives on and reports them.
  const Result cells_killed = run_matrix(spec, out, 2, "SPBENCH_FAULT=checkpoint-written:1");
  INFO(cells_killed.output);
  CHECK(cells_killed.status != 0);
  CHECK_THAT(cells_killed.output, Catch::Contains("2 of 2 cells did not finish"));
  const auto index = matrix::read_matrix_json(out);
  REQUIRE(index.cells.size() == 2);
  for (const auto& c : index.cells) {
    INFO(c.name);
    CHECK(fs::exists(out / c.id / "checkpoint.pt"));
    CHECK(state_of(out / c.id) != "finished");
  }

  // The matrix killed with both cells running (they die with it).
  const Result matrix_killed = run_matrix(spec, out, 2, "SPBENCH_FAULT=matrix-cell:2");
  INFO(matrix_killed.output);
  REQUIRE(matrix_killed.signal == SIGKILL);
  CHECK_THAT(matrix_killed.output, Catch::Contains("resuming from its checkpoint") &&
                                       Catch::Contains("SPBENCH_FAULT: killed at matrix-cell:2"));
  int unfinished = 0;
  for (const auto& c : index.cells) unfinished += state_of(out / c.id) != "finished" ? 1 : 0;
  CHECK(unfinished == 2);

  const Result again = run_matrix(spec, out, 2);
  INFO(again.output);
  REQUIRE(again.status == 0);
  CHECK_THAT(again.output, Catch::Contains("resuming from its checkpoint"));
  bool some_resumed = false;
  for (const auto& c : index.cells) {
    INFO(c.name);
    CHECK(state_of(out / c.id) == "finished");
    // One line per epoch: no epoch lost, none run twice into the log.
    std::vector<int> epochs;
    std::ifstream in(out / c.id / "train-log.jsonl");
    for (std::string l; std::getline(in, l);) epochs.push_back(nlohmann::json::parse(l)["epoch"].get<int>());
    CHECK(epochs.size() == 3);
    CHECK(std::is_sorted(epochs.begin(), epochs.end()));
    CHECK(std::adjacent_find(epochs.begin(), epochs.end()) == epochs.end());
    some_resumed = some_resumed || read(out / c.id / "stdout.log").find("resumed from") != std::string::npos;
  }
  CHECK(some_resumed);
  const Result status_after = run("matrix --status '" + out.string() + "'");
  CHECK_THAT(status_after.output, Catch::Contains("2 cells: 2 finished"));
}

TEST_CASE("A second matrix on a results folder that is in use is refused with a clear message") {
  const fs::path dir = test::scratch_dir("matrix-run-lock");
  const fs::path spec = tiny_matrix(dir, 1, "  seed: [0, 1]\n");
  const fs::path out = dir / "results";
  fs::create_directories(out);
  auto lock = matrix::FileLock::acquire(out / ".matrix.lock");
  REQUIRE(lock);
  const Result r = run("matrix '" + spec.string() + "' --no-plots --out '" + out.string() + "'");
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("another `spbench matrix` is working on"));
  CHECK_FALSE(fs::exists(out / "matrix.json"));
}

TEST_CASE("The local backend gives each cell the least busy GPU as its CUDA_VISIBLE_DEVICES") {
  // The policy: fewest running cells first, the lowest index among equals.
  CHECK(matrix::least_busy_gpu({0, 0, 0}) == 0);
  CHECK(matrix::least_busy_gpu({1, 0, 0}) == 1);
  CHECK(matrix::least_busy_gpu({1, 1, 0}) == 2);
  CHECK(matrix::least_busy_gpu({2, 1, 1}) == 1);
  CHECK_THROWS(matrix::least_busy_gpu({}));
  // Where the list comes from: the option, else CUDA_VISIBLE_DEVICES, else the devices LibTorch counts.
  CHECK(matrix::gpu_list("2, 5", "0,1", 4) == std::vector<std::string>{"2", "5"});
  CHECK(matrix::gpu_list("none", "0,1", 4).empty());
  CHECK(matrix::gpu_list("", "0,1", 4) == std::vector<std::string>{"0", "1"});
  CHECK(matrix::gpu_list("", nullptr, 3) == std::vector<std::string>{"0", "1", "2"});
  CHECK(matrix::gpu_list("", "", 0).empty());

  // Three CPU cells, two at a time, over a fake list of two GPUs: each run
  // sees its own CUDA_VISIBLE_DEVICES (provenance.json records what the
  // child process saw), the first two on different GPUs.
  const fs::path dir = test::scratch_dir("matrix-run-gpus");
  const fs::path spec = tiny_matrix(dir, 1, "  training.learning_rate: [0.1, 0.05, 0.02]\n");
  const fs::path out = dir / "results";
  const Result r = spbench::test::run_spbench("matrix '" + spec.string() + "' --jobs 2 --threads 1 --no-plots --devices fake-a,fake-b --out '" +
                                              out.string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("cells spread over GPUs fake-a, fake-b"));
  const auto index = matrix::read_matrix_json(out);
  REQUIRE(index.cells.size() == 3);
  std::vector<std::string> seen;
  for (const auto& c : index.cells) {
    const auto provenance = nlohmann::json::parse(read(out / c.id / "provenance.json"));
    REQUIRE(provenance.contains("cuda_visible_devices"));
    seen.push_back(provenance.at("cuda_visible_devices").get<std::string>());
    CHECK_THAT(read(out / c.id / "stdout.log"), Catch::Contains("CUDA_VISIBLE_DEVICES=" + seen.back()));
  }
  CHECK(seen[0] == "fake-a");
  CHECK(seen[1] == "fake-b");
  CHECK((seen[2] == "fake-a" || seen[2] == "fake-b"));
}
