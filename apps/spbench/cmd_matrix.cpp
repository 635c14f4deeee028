// `spbench matrix SPEC`: every cell of a spec's `matrix:` section, as
// separate `spbench run` processes, locally (--jobs J) or as a Slurm job
// array (--backend slurm); `--dry-run` lists the cells, `--status DIR` shows
// how far a results folder is. docs/matrix.md.
//
// `spbench matrix-task RESULTS I` (hidden) runs cell I of a prepared results
// folder: what each Slurm array task executes.

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include <torch/cuda.h>

#include <spbench/util/atomic_file.hpp>
#include <spbench/study/matrix/results.hpp>
#include <spbench/util/progress.hpp>
#include <spbench/engine/runs/run_directory.hpp>
#include <spbench/engine/spec/registry_catalog.hpp>
#include <spbench/analysis/tables/ablation.hpp>

#include "commands.hpp"
#include "spec_loading.hpp"

namespace spbench::cli {

namespace fs = std::filesystem;

namespace {

struct MatrixArgs {
  std::string spec;
  std::string out;
  std::vector<std::string> sets;
  std::string data_root;
  bool dry_run = false;
  int jobs = 1;
  int threads = 0;
  std::string backend = "local";
  std::string partition, time, mem;
  int cpus = -1, gpus = -1;
  std::string devices;
  bool no_submit = false;
  std::string status;
  bool no_table = false;
  bool no_plots = false;
  std::string baseline;
};

// Validates every cell before anything runs; loads the plugin folders the
// cells name first (as `spbench run` does for one spec).
matrix::ResolvedMatrix load_matrix(const MatrixArgs& args, PluginRegistry& registry) {
  load_plugins(registry, {}, /*strict=*/true);
  LoadOptions options;
  options.sets = args.sets;
  std::vector<Diagnostic> diagnostics;
  matrix::ResolvedMatrix m;
  validate_with_spec_plugins(registry, [&] {
    diagnostics.clear();
    m = matrix::resolve_matrix(args.spec, plugin_catalog(registry), options, diagnostics);
    std::vector<fs::path> extra;
    std::set<fs::path> seen;
    for (const auto& c : m.cells)
      for (const auto& p : c.spec.plugin_paths)
        if (seen.insert(p).second) extra.push_back(p);
    return extra;
  });
  if (!diagnostics.empty()) throw SpecError(diagnostics);
  return m;
}

fs::path results_dir_of(const MatrixArgs& args, const matrix::ResolvedMatrix& m) {
  if (!args.out.empty()) return args.out;
  const ExperimentSpec& spec = m.cells.front().spec;
  return fs::path(spec.output.dir) / spec.name;
}

void dry_run(const matrix::ResolvedMatrix& m, const fs::path& results) {
  const auto& def = m.definition;
  fmt::print("matrix '{}': {} cell{}", m.cells.front().spec.name, m.cells.size(), m.cells.size() == 1 ? "" : "s");
  if (!def.axis_keys.empty()) fmt::print(" over {}", fmt::join(def.axis_keys, " × "));
  fmt::print("; results in {}\n", results.string());
  const std::string reference = m.base_valid ? to_yaml(m.base) : m.cells.front().yaml;
  fmt::print("differences from the {}:\n", m.base_valid ? "base spec (the spec without its matrix)" : "first cell");
  for (const auto& c : m.cells) {
    const auto state = RunDirectory::read_state(results / c.cell.id);
    fmt::print("\n{:>3}  {}  {}{}\n", c.cell.index, c.cell.id, c.cell.name.empty() ? "(base)" : c.cell.name,
               state == RunState::Absent ? "" : fmt::format("  [{}]", run_state_name(state)));
    const auto diff = matrix::spec_differences(reference, c.yaml);
    if (diff.empty()) fmt::print("       (no difference)\n");
    for (const auto& d : diff) fmt::print("       {}\n", d);
  }
}

matrix::FileLock lock_results(const fs::path& results) {
  fs::create_directories(results);
  auto lock = matrix::FileLock::acquire(results / ".matrix.lock");
  if (!lock)
    throw std::runtime_error(fmt::format(
        "another `spbench matrix` is working on {} (it holds {}); wait for it to end, or use another --out",
        results.string(), (results / ".matrix.lock").string()));
  return std::move(*lock);
}

void print_table_and_plots(const fs::path& results, const MatrixArgs& args) {
  tables::AblationOptions options;
  options.baseline = args.baseline;
  const auto cells = tables::read_cell_results(results, options);
  const auto table = tables::build_ablation_table(cells, options);
  if (!args.no_table) std::cout << '\n' << tables::render_ablation(table, "md") << std::flush;
  if (args.no_plots) return;
  const auto plots = tables::write_ablation_plots(cells, table, results / "plots");
  for (const auto& w : plots.warnings) std::cerr << "warning: " << w << '\n';
  for (const auto& p : plots.written) std::cerr << "plot: " << p.string() << '\n';
  if (plots.written.empty() && plots.warnings.empty())
    std::cerr << "plots: nothing to plot (no cell has metrics.json or predictions.csv)\n";
}

void run_local_backend(const matrix::ResolvedMatrix& m, const fs::path& results_in, const MatrixArgs& args) {
  // Absolute, so that the logs and failure reports name the same files from anywhere.
  const fs::path results = fs::absolute(results_in).lexically_normal();
  matrix::FileLock lock = lock_results(results);
  matrix::prepare_results(results, m);
  const matrix::MatrixIndex index = matrix::read_matrix_json(results);
  matrix::LocalRunOptions options;
  options.jobs = args.jobs;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.command.threads = args.threads > 0 ? args.threads : std::max(1, cores / std::max(1, args.jobs));
  options.command.exe = matrix::current_executable();
  options.command.data_root = args.data_root;
  options.progress_bar = Progress::stderr_is_terminal();
  // GPUs to spread the cells over: only when some cell may run on CUDA
  // (device auto or cuda…) or the list is given.
  bool wants_cuda = false;
  for (const auto& c : m.cells) wants_cuda = wants_cuda || c.spec.device == "auto" || c.spec.device.rfind("cuda", 0) == 0;
  if (!args.devices.empty() || wants_cuda)
    options.gpus = matrix::gpu_list(args.devices, std::getenv("CUDA_VISIBLE_DEVICES"),
                                    args.devices.empty() ? static_cast<int>(torch::cuda::device_count()) : 0);
  if (!options.gpus.empty())
    std::cerr << fmt::format("cells spread over GPU{} {} (CUDA_VISIBLE_DEVICES per cell)\n",
                             options.gpus.size() == 1 ? "" : "s", fmt::join(options.gpus, ", "));
  std::cerr << fmt::format("matrix '{}': {} cells in {} ({} at a time, {} thread{} each)\n", index.name,
                           index.cells.size(), results.string(), std::max(1, args.jobs), options.command.threads,
                           options.command.threads == 1 ? "" : "s");
  const matrix::LocalRunSummary summary = matrix::run_local(results, index, options);
  std::cerr << fmt::format("{} cells: {} finished now, {} finished before, {} failed{}\n", index.cells.size(),
                           summary.finished, summary.skipped, summary.failed.size(),
                           summary.busy.empty() ? "" : fmt::format(", {} run by another process", summary.busy.size()));
  print_table_and_plots(results, args);
  if (!summary.ok()) {
    for (const auto& [cell, log] : summary.failed)
      std::cerr << fmt::format("failed: {} ({}): see {}\n", cell.name.empty() ? "(base)" : cell.name, cell.id, log);
    throw std::runtime_error(fmt::format("{} of {} cells did not finish; rerun the same command to retry them "
                                         "(finished cells are kept)",
                                         summary.failed.size() + summary.busy.size(), index.cells.size()));
  }
}

void run_slurm_backend(const matrix::ResolvedMatrix& m, const fs::path& results_in, const MatrixArgs& args) {
  // Array tasks may run on other nodes: every path they see is absolute.
  const fs::path results = fs::absolute(results_in).lexically_normal();
  std::vector<std::size_t> pending;
  matrix::MatrixIndex index;
  {
    matrix::FileLock lock = lock_results(results);
    matrix::prepare_results(results, m);
    index = matrix::read_matrix_json(results);
  }
  for (const auto& c : index.cells)
    if (RunDirectory::read_state(results / c.id) != RunState::Finished) pending.push_back(c.index);
  if (pending.empty()) {
    std::cerr << fmt::format("all {} cells of {} are finished; nothing to submit\n", index.cells.size(), results.string());
    print_table_and_plots(results, args);
    return;
  }
  matrix::SlurmOptions options;
  options.settings = m.definition.slurm;
  if (!args.partition.empty()) options.settings.partition = args.partition;
  if (!args.time.empty()) options.settings.time = args.time;
  if (!args.mem.empty()) options.settings.mem = args.mem;
  if (args.cpus >= 0) options.settings.cpus = args.cpus;
  if (args.gpus >= 0) options.settings.gpus = args.gpus;
  options.threads = args.threads;
  if (!args.data_root.empty()) options.data_root = fs::absolute(args.data_root).string();
  fs::create_directories(results / "slurm");
  const fs::path script = results / "slurm" / "array.sbatch";
  write_file_atomic(script, matrix::sbatch_script(results, index, pending, options, matrix::current_executable()));
  std::cerr << fmt::format("wrote {} ({} array task{}: cells {})\n", script.string(), pending.size(),
                           pending.size() == 1 ? "" : "s", matrix::array_ranges(pending));
  if (args.no_submit) return;

  const std::string id = matrix::submit_job_array(script);
  {
    std::ofstream log(results / "slurm" / "job-ids", std::ios::app);
    log << id << ' ' << now_iso8601() << ' ' << matrix::array_ranges(pending) << '\n';
  }
  std::cout << id << '\n';
  std::cerr << fmt::format("submitted job array {} ({} tasks); follow it with: spbench matrix --status {}\n", id,
                           pending.size(), results.string());
}

void matrix_command(const MatrixArgs& args) {
  if (!args.status.empty()) {
    std::cout << matrix::format_status(args.status);
    return;
  }
  if (args.spec.empty()) throw std::runtime_error("spbench matrix: a SPEC is needed (or --status RESULTS_DIR)");
  PluginRegistry registry;
  const matrix::ResolvedMatrix m = load_matrix(args, registry);
  const fs::path results = results_dir_of(args, m);
  if (args.dry_run) {
    dry_run(m, results);
    return;
  }
  if (args.backend == "slurm")
    run_slurm_backend(m, results, args);
  else
    run_local_backend(m, results, args);
}

struct TaskArgs {
  std::string results;
  std::size_t index = 0;
  int threads = 1;
  std::string data_root;
};

int matrix_task(const TaskArgs& args) {
  const matrix::MatrixIndex index = matrix::read_matrix_json(args.results);
  if (args.index >= index.cells.size())
    throw std::runtime_error(fmt::format("{}: there is no cell {} (the matrix has {})", args.results, args.index,
                                         index.cells.size()));
  matrix::CellCommand command;
  command.exe = matrix::current_executable();
  command.threads = args.threads;
  command.data_root = args.data_root;
  return matrix::run_one_cell(args.results, index.cells[args.index], command);
}

}  // namespace

void add_matrix_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("matrix", "run every cell of a spec's matrix: section (locally or on Slurm)");
  auto args = std::make_shared<MatrixArgs>();
  cmd->add_option("spec", args->spec, "spec file with a matrix: section");
  cmd->add_option("--out", args->out, "results folder (default: <output.dir>/<name>)");
  cmd->add_option("--set", args->sets, "override a key of every cell: a.b.c=value (repeatable)");
  cmd->add_option("--data-root", args->data_root, "folder that relative data paths start from");
  cmd->add_flag("--dry-run", args->dry_run, "list the cells and how each differs from the base spec; run nothing");
  cmd->add_option("--jobs,-j", args->jobs, "cells run at the same time (local backend)")->check(CLI::PositiveNumber);
  cmd->add_option("--threads", args->threads, "intra-op threads of each cell (default: cores / jobs; Slurm: --cpus)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--backend", args->backend, "local or slurm")->check(CLI::IsMember({"local", "slurm"}));
  cmd->add_option("--partition", args->partition, "Slurm partition (default: the spec's slurm.partition)");
  cmd->add_option("--time", args->time, "Slurm time limit per cell, HH:MM:SS");
  cmd->add_option("--cpus", args->cpus, "Slurm CPUs per cell")->check(CLI::NonNegativeNumber);
  cmd->add_option("--gpus", args->gpus, "Slurm GPUs per cell")->check(CLI::NonNegativeNumber);
  cmd->add_option("--mem", args->mem, "Slurm memory per cell, e.g. 8G");
  cmd->add_option("--devices", args->devices,
                  "local backend: the GPUs to spread cells over, each cell getting one as CUDA_VISIBLE_DEVICES "
                  "(the least busy; several cells per GPU when --jobs is larger): a list such as 0,1,3, or none; "
                  "default: CUDA_VISIBLE_DEVICES's list, else every GPU LibTorch sees, when a cell may run on CUDA");
  cmd->add_flag("--no-submit", args->no_submit, "Slurm: write the job script but do not submit it");
  cmd->add_option("--status", args->status, "show the state of every cell of this results folder and exit");
  cmd->add_flag("--no-table", args->no_table, "do not print the ablation table at the end");
  cmd->add_flag("--no-plots", args->no_plots, "do not write the plots at the end");
  cmd->add_option("--baseline", args->baseline, "baseline row of the printed table (cell name or id)");
  cmd->callback([args] { matrix_command(*args); });

  auto* task = app.add_subcommand("matrix-task", "run one cell of a prepared matrix results folder (a Slurm array task)");
  task->group("");  // internal: written into the job scripts, not typed by people
  auto targs = std::make_shared<TaskArgs>();
  task->add_option("results", targs->results, "results folder")->required();
  task->add_option("index", targs->index, "the cell's index in matrix.json")->required();
  task->add_option("--threads", targs->threads, "intra-op threads")->check(CLI::PositiveNumber);
  task->add_option("--data-root", targs->data_root, "folder that relative data paths start from");
  task->callback([targs] {
    const int code = matrix_task(*targs);
    if (code != 0) throw std::runtime_error(fmt::format("the cell's run failed (exit {})", code));
  });
}

}  // namespace spbench::cli
