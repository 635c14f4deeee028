#include "spbench/study/matrix/slurm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "spbench/util/shell_quote.hpp"

namespace spbench::matrix {

namespace fs = std::filesystem;

std::string array_ranges(const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> v = indices;
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + (j == i ? std::to_string(v[i]) : fmt::format("{}-{}", v[i], v[j]));
    i = j + 1;
  }
  return out;
}

std::string sbatch_script(const fs::path& results_dir, const MatrixIndex& index, const std::vector<std::size_t>& indices,
                          const SlurmOptions& options, const fs::path& exe) {
  const fs::path results = fs::absolute(results_dir).lexically_normal();
  const SlurmSettings& s = options.settings;
  const int threads = options.threads > 0 ? options.threads : std::max(1, s.cpus);
  std::string out = "#!/bin/bash\n";
  out += fmt::format("# spbench matrix '{}': one array task per cell (task id = the cell's index in matrix.json).\n",
                     index.name);
  out += fmt::format("#SBATCH --job-name=spbench-{}\n", index.name.empty() ? "matrix" : index.name);
  out += fmt::format("#SBATCH --array={}\n", array_ranges(indices));
  out += fmt::format("#SBATCH --output={}\n", (results / "slurm" / "task-%a.out").string());
  out += "#SBATCH --ntasks=1\n";
  out += fmt::format("#SBATCH --cpus-per-task={}\n", std::max(1, s.cpus > 0 ? s.cpus : threads));
  if (!s.partition.empty()) out += fmt::format("#SBATCH --partition={}\n", s.partition);
  if (!s.time.empty()) out += fmt::format("#SBATCH --time={}\n", s.time);
  if (s.gpus > 0) out += fmt::format("#SBATCH --gres=gpu:{}\n", s.gpus);
  if (!s.mem.empty()) out += fmt::format("#SBATCH --mem={}\n", s.mem);
  out += "set -eu\n";
  std::string command = fmt::format("exec {} matrix-task {} \"$SLURM_ARRAY_TASK_ID\" --threads {}",
                                    util::shell_quote(exe.string()), util::shell_quote(results.string()), threads);
  if (!options.data_root.empty()) command += " --data-root " + util::shell_quote(options.data_root);
  out += command + "\n";
  return out;
}

std::string submit_job_array(const fs::path& script) {
  const std::string command = fmt::format("sbatch --parsable {} 2>&1", util::shell_quote(script.string()));
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run sbatch");
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  const int status = ::pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
  if (status != 0 || output.empty())
    throw std::runtime_error(fmt::format("sbatch refused the job array ({}): {}", script.string(), output));
  // --parsable prints "jobid" or "jobid;cluster".
  const std::string job = output.substr(output.rfind('\n') == std::string::npos ? 0 : output.rfind('\n') + 1);
  return job.substr(0, job.find(';'));
}

}  // namespace spbench::matrix
