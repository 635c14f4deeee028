// `spbench run` end to end: the run folder's contents, refusal to overwrite,
// resumption after kill -9, and clear errors for bad specs.

#include "catch.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "run_spbench.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace {

using Result = spbench::test::CliResult;
Result run(const std::string& args) { return spbench::test::run_spbench(args); }
std::string read(const fs::path& p) { return spbench::test::read_file(p); }

// A tiny Fashion-MNIST experiment: seconds per epoch on one thread.
fs::path tiny_spec(const fs::path& dir, int epochs) {
  const fs::path spec = dir / "tiny.yaml";
  std::ofstream(spec) << spbench::test::tiny_cli_spec_text(epochs);
  return spec;
}

}  // namespace

TEST_CASE("spbench run writes the resolved spec, provenance, log and status, and refuses to overwrite") {
  const fs::path dir = spbench::test::scratch_dir("cli-run");
  const fs::path out = dir / "run";
  Result r = run("run '" + tiny_spec(dir, 1).string() + "' --out '" + out.string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  for (const char* f : {"resolved-spec.yaml", "provenance.json", "log.txt", "status.json", "checkpoint.pt",
                        "train-log.jsonl"})
    CHECK(fs::exists(out / f));
  CHECK(nlohmann::json::parse(read(out / "status.json"))["state"] == "finished");
  const auto prov = nlohmann::json::parse(read(out / "provenance.json"));
  for (const char* key : {"git_commit", "compiler", "libtorch_version", "intra_op_threads", "host", "start_time",
                          "end_time", "command_line"})
    CHECK(prov.contains(key));
  CHECK(prov["intra_op_threads"] == 1);
  CHECK_THAT(read(out / "resolved-spec.yaml"), Catch::Contains("channels: 4"));
  CHECK_THAT(read(out / "log.txt"), Catch::Contains("finished"));

  Result again = run("run '" + (dir / "tiny.yaml").string() + "' --out '" + out.string() + "'");
  CHECK(again.status != 0);
  CHECK_THAT(again.output, Catch::Contains("holds a finished run") && Catch::Contains("--force"));
  Result forced = run("run '" + (dir / "tiny.yaml").string() + "' --out '" + out.string() + "' --force");
  INFO(forced.output);
  CHECK(forced.status == 0);
}

TEST_CASE("A run killed with SIGKILL resumes to the same result as an uninterrupted run") {
  const fs::path dir = spbench::test::scratch_dir("cli-kill");
  const fs::path spec = tiny_spec(dir, 3);
  REQUIRE(run("run '" + spec.string() + "' --out '" + (dir / "whole").string() + "'").status == 0);

  const fs::path out = dir / "killed";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl(SPBENCH_TEST_EXE, SPBENCH_TEST_EXE, "run", spec.c_str(), "--out", out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill as soon as the first checkpoint exists: mid-way through epoch 2.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (!fs::exists(out / "checkpoint.pt") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(fs::exists(out / "checkpoint.pt"));
  CHECK(nlohmann::json::parse(read(out / "status.json"))["state"] == "running");

  Result refused = run("run '" + spec.string() + "' --out '" + out.string() + "'");
  CHECK(refused.status != 0);
  CHECK_THAT(refused.output, Catch::Contains("--resume"));
  Result resumed = run("run '" + spec.string() + "' --out '" + out.string() + "' --resume");
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK_THAT(resumed.output, Catch::Contains("resumed from"));
  // Same per-epoch losses as the uninterrupted run (seconds differ, so compare the loss field).
  auto losses = [&](const fs::path& run_dir) {
    std::vector<double> out_losses;
    std::ifstream in(run_dir / "train-log.jsonl");
    for (std::string line; std::getline(in, line);) out_losses.push_back(nlohmann::json::parse(line)["loss"]);
    return out_losses;
  };
  CHECK(losses(out) == losses(dir / "whole"));
  CHECK(losses(out).size() == 3);
}

TEST_CASE("A bad spec is refused before any work, with file, line and a suggestion") {
  const fs::path dir = spbench::test::scratch_dir("cli-bad-spec");
  std::ofstream(dir / "bad.yaml") << "name: bad\ntraining:\n  epochz: 3\nsampler: unifrom\n";
  Result r = run("run '" + (dir / "bad.yaml").string() + "' --out '" + (dir / "run").string() + "'");
  CHECK(r.status != 0);
  CHECK_THAT(r.output, Catch::Contains("bad.yaml:3:3") && Catch::Contains("did you mean 'epochs'"));
  CHECK_THAT(r.output, Catch::Contains("did you mean 'uniform'"));
  CHECK_FALSE(fs::exists(dir / "run"));
}

TEST_CASE("spbench validate prints the resolved spec with overrides applied") {
  const fs::path dir = spbench::test::scratch_dir("cli-validate");
  Result r = run("validate '" + tiny_spec(dir, 1).string() + "' --set training.epochs=7 --set sampler=strict-fair");
  INFO(r.output);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("epochs: 7") && Catch::Contains("name: strict-fair"));
}

TEST_CASE("spbench arch info prints NAS-Bench-201's parameters and FLOPs and points at a bad token") {
  Result r = run("arch info 1462");
  REQUIRE(r.status == 0);
  CHECK_THAT(r.output, Catch::Contains("|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|"));
  Result bad = run("arch info '|nor_conv_3x3~0|+|conv_5x5~0|'");
  CHECK(bad.status != 0);
  CHECK_THAT(bad.output, Catch::Contains("conv_5x5"));
}
