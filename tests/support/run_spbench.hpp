#pragma once
// Running the `spbench` executable from a test, as a user would: the
// command line, its exit status and everything it printed (stdout and
// stderr together).

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace spbench::test {

struct CliResult {
  int status;          // exit status; -1 when killed by a signal
  std::string output;  // stdout and stderr, interleaved
  int signal = 0;      // the signal that ended it (SIGKILL from SPBENCH_FAULT), 0 when it exited
};

// `args` is appended to the quoted executable path as shell words; `env`
// (shell words such as "SPBENCH_FAULT=evaluation:3") is set for it alone.
inline CliResult run_spbench(const std::string& args, const std::string& env = "") {
  // exec (and env's own exec): spbench replaces the shell, so a signal that ends it is seen here.
  const std::string cmd = "exec env " + env + " '" + std::string(SPBENCH_TEST_EXE) + "' " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot start: " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out, WIFSIGNALED(status) ? WTERMSIG(status) : 0};
}

// The whole file as bytes; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace spbench::test

namespace spbench::test {

// The spec text of the tiny Fashion-MNIST experiment the CLI tests run:
// C=4, N=1, 320 training images at 8x8, batch 32, 8 architectures scored,
// no ground truth; seconds per epoch on one thread.
inline std::string tiny_cli_spec_text(int epochs,
                                      const std::string& fashion_mnist = "/usr/share/datasets/fashion-mnist") {
  return "name: tiny\nseed: 3\nthreads: 1\n"
         "supernet: {channels: 4, cells_per_stage: 1}\n"
         "data: {dataset: fashion-mnist, root: '" + fashion_mnist + "', split: train-test,\n"
         "       train_subset: 320, valid_subset: 100, resize: 8}\n"
         "training: {epochs: " + std::to_string(epochs) + ", batch_size: 32, log_every: 0}\n"
         "sampler: uniform\nstrategy: one-shot\n"
         "evaluation: {architectures: {sample: 8}, batches: 1, batch_size: 50}\n"
         "ground_truth: {source: none}\n";
}

}  // namespace spbench::test
