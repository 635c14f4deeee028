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
};

// `args` is appended to the quoted executable path as shell words.
inline CliResult run_spbench(const std::string& args) {
  const std::string cmd = "'" + std::string(SPBENCH_TEST_EXE) + "' " + args + " 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot start: " + cmd);
  std::string out;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// The whole file as bytes; empty when it cannot be read.
inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace spbench::test
