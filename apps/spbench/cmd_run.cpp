// `spbench run [SPEC] [--out DIR] [--resume] [--force] …`: one experiment in
// its own run folder.

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include <spbench/data/paths.hpp>
#include <spbench/experiment.hpp>
#include <spbench/progress.hpp>
#include <spbench/run_directory.hpp>

#include "commands.hpp"
#include "spec_loading.hpp"

namespace spbench::cli {

namespace {

struct RunArgs {
  std::string spec;
  std::string out;
  std::vector<std::string> sets;
  std::string data_root;
  bool resume = false;
  bool force = false;
  int threads = -1;
  int stop_after_epochs = 0;
};

void run(const RunArgs& args) {
  PluginRegistry registry;
  SpecSource source;
  if (!args.spec.empty()) source.file = args.spec;
  source.sets = args.sets;
  ExperimentSpec spec = load_spec_for_cli(source, registry);

  const std::filesystem::path out = args.out.empty() ? std::filesystem::path(spec.output.dir) / spec.name
                                                     : std::filesystem::path(args.out);
  RunDirectory dir(out, RunDirectoryPolicy{args.force, args.resume});
  const int threads = resolve_threads(args.threads >= 0 ? args.threads : spec.threads);
  at::set_num_threads(threads);

  const std::string start = now_iso8601();
  dir.write_text("resolved-spec.yaml", to_yaml(spec));
  dir.write_text("provenance.json", provenance_json(g_command_line, start));
  dir.set_state(RunState::Running);
  auto say = [&dir](const std::string& line) {
    std::cerr << line << '\n';
    dir.log(line);
  };
  say(fmt::format("spbench {} run '{}' in {} ({} threads{})", kProjectVersion, spec.name, out.string(), threads,
                  dir.resumed() ? ", resuming" : ""));
  try {
    RunOptions options;
    options.data_root = data::resolve_data_root(args.data_root);
    options.progress_bar = Progress::stderr_is_terminal();
    options.stop_after_epochs = args.stop_after_epochs;
    auto trainer = train_experiment(spec, registry, dir, options);
    if (!trainer->finished()) {
      say(fmt::format("stopped after epoch {}/{} as asked; continue with --resume", trainer->completed_epochs(),
                      trainer->total_epochs()));
      return;
    }
  } catch (const std::exception& e) {
    dir.log(std::string("error: ") + e.what());
    dir.set_state(RunState::Failed, e.what());
    throw;
  }
  dir.write_text("provenance.json", provenance_json(g_command_line, start, now_iso8601()));
  dir.set_state(RunState::Finished);
  say(fmt::format("finished: {}", out.string()));
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "train (and later evaluate) one experiment in a run folder");
  auto args = std::make_shared<RunArgs>();
  cmd->add_option("spec", args->spec, "spec file (default: the embedded quickstart experiment)");
  cmd->add_option("--out", args->out, "run folder (default: <output.dir>/<name>)");
  cmd->add_option("--set", args->sets, "override a key: a.b.c=value (repeatable)");
  cmd->add_option("--data-root", args->data_root, "folder that relative data paths start from "
                                                  "(default: $SPBENCH_DATA_ROOT, else ../shared/data)");
  cmd->add_option("--threads", args->threads, "intra-op threads (default: the spec's `threads`; 0 = all cores)");
  cmd->add_flag("--resume", args->resume, "continue an interrupted run from its last checkpoint");
  cmd->add_flag("--force", args->force, "replace an existing run folder, finished or not");
  cmd->add_option("--stop-after-epochs", args->stop_after_epochs,
                  "stop after this many epochs (a planned interruption; continue with --resume)");
  cmd->callback([args] { run(*args); });
}

}  // namespace spbench::cli
