// `spbench run` end to end: the run folder's contents, refusal to overwrite,
// resumption after kill -9 (at SPBENCH_FAULT points), and clear errors for bad specs.

#include "catch.hpp"

#include <nlohmann/json.hpp>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "run_spbench.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;

namespace {

using Result = spbench::test::CliResult;
Result run(const std::string& args, const std::string& env = "") { return spbench::test::run_spbench(args, env); }
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

  // Killed right after its first checkpoint, before that epoch's log line:
  // the worst moment for the checkpoint and the log to disagree.
  const fs::path out = dir / "killed";
  Result killed = run("run '" + spec.string() + "' --out '" + out.string() + "'",
                      "SPBENCH_FAULT=checkpoint-written:1");
  INFO(killed.output);
  REQUIRE(killed.signal == SIGKILL);
  CHECK_THAT(killed.output, Catch::Contains("SPBENCH_FAULT: killed at checkpoint-written:1"));
  REQUIRE(fs::exists(out / "checkpoint.pt"));
  CHECK(read(out / "train-log.jsonl").empty());  // the epoch's log line was never written
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

TEST_CASE("A run killed inside its evaluation resumes to the same predictions and metrics") {
  const fs::path dir = spbench::test::scratch_dir("cli-kill-evaluation");
  const fs::path spec = tiny_spec(dir, 2);
  const fs::path whole = dir / "whole";
  REQUIRE(run("run '" + spec.string() + "' --out '" + whole.string() + "'").status == 0);
  REQUIRE(fs::exists(whole / "predictions.csv"));

  const fs::path out = dir / "killed";
  Result killed = run("run '" + spec.string() + "' --out '" + out.string() + "'", "SPBENCH_FAULT=evaluation:2");
  INFO(killed.output);
  REQUIRE(killed.signal == SIGKILL);
  CHECK_THAT(killed.output, Catch::Contains("SPBENCH_FAULT: killed at evaluation:2"));
  // Training was done; the evaluation had not written anything yet.
  CHECK(nlohmann::json::parse(read(out / "status.json"))["state"] == "running");
  CHECK_FALSE(fs::exists(out / "predictions.csv"));

  Result resumed = run("run '" + spec.string() + "' --out '" + out.string() + "' --resume");
  INFO(resumed.output);
  REQUIRE(resumed.status == 0);
  CHECK(read(out / "predictions.csv") == read(whole / "predictions.csv"));
  auto without_times = [](const fs::path& p) {
    nlohmann::json j = nlohmann::json::parse(read(p));
    std::function<void(nlohmann::json&)> strip = [&](nlohmann::json& v) {
      if (!v.is_object()) return;
      for (auto it = v.begin(); it != v.end();) {
        const std::string key = it.key();
        if (key.find("time") != std::string::npos || key.find("seconds") != std::string::npos) it = v.erase(it);
        else strip(*it++);
      }
    };
    strip(j);
    return j;
  };
  if (fs::exists(whole / "metrics.json")) CHECK(without_times(out / "metrics.json") == without_times(whole / "metrics.json"));
}

TEST_CASE("The run log names the folder the data files are read from") {
  const fs::path dir = spbench::test::scratch_dir("cli-data-folder");
  // data.root is absolute here: the files come from there, whatever the data root.
  fs::create_directories(dir / "data-root");
  Result r = run("run '" + tiny_spec(dir, 1).string() + "' --out '" + (dir / "run").string() + "' --data-root '" +
                 (dir / "data-root").string() + "'");
  INFO(r.output);
  REQUIRE(r.status == 0);
  const std::string log = read(dir / "run" / "log.txt");
  CHECK_THAT(log, Catch::Contains("loading data: fashion-mnist (train-test) from /usr/share/datasets/fashion-mnist\n"));
  CHECK_THAT(log, !Catch::Contains((dir / "data-root").string()));
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
