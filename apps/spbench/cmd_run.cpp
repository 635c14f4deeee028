// `spbench run [SPEC] [--out DIR] [--resume] [--force] …`: one experiment in
// its own run folder.

#include <ATen/Parallel.h>
#include <fmt/format.h>

#include <csignal>
#include <iostream>

#include <spbench/engine/data/paths.hpp>
#include <spbench/study/study.hpp>
#include <spbench/engine/experiment/experiment.hpp>
#include <spbench/util/progress.hpp>
#include <spbench/engine/runs/run_directory.hpp>

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
  std::string shard;
};

void run(const RunArgs& args) {
  PluginRegistry registry;
  SpecSource source;
  if (!args.spec.empty()) source.file = args.spec;
  source.sets = args.sets;
  ExperimentSpec spec = load_spec_for_cli(source, registry);

  const std::filesystem::path out = args.out.empty() ? std::filesystem::path(spec.output.dir) / spec.name
                                                     : std::filesystem::path(args.out);
  const evaluation::ShardSpec shard =
      args.shard.empty() ? evaluation::ShardSpec{} : evaluation::parse_shard(args.shard);
  // Shards share one trained super-network: a shard run continues the run
  // folder (training only what is not trained yet) instead of refusing it.
  RunDirectory dir(out, RunDirectoryPolicy{args.force, args.resume || (shard.sharded() && std::filesystem::exists(out))});
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
  evaluation::StudyResult study;
  try {
    RunOptions options;
    data::DataSplits splits;
    Trainer::Plugins plugins;
    options.splits_out = &splits;
    options.plugins_out = &plugins;
    options.data_root = data::resolve_data_root(args.data_root);
    options.progress_bar = Progress::stderr_is_terminal();
    options.stop_after_epochs = args.stop_after_epochs;
    auto trainer = train_experiment(spec, registry, dir, options);
    if (!trainer->finished()) {
      say(fmt::format("stopped after epoch {}/{} as asked; continue with --resume", trainer->completed_epochs(),
                      trainer->total_epochs()));
      return;
    }
    evaluation::StudyInputs inputs;
    inputs.spec = &spec;
    inputs.networks = {trainer->networks(), trainer->networks_info(), plugins.strategy, plugins.variants};
    inputs.splits = std::move(splits);
    inputs.data_root = options.data_root;
    inputs.device = resolve_device(spec.device);
    inputs.progress_bar = options.progress_bar;
    for (const auto& e : trainer->history()) inputs.training_seconds += e.seconds;
    inputs.sink = say;
    study = evaluation::run_study(inputs, dir.path(), shard);
  } catch (const std::exception& e) {
    dir.log(std::string("error: ") + e.what());
    dir.set_state(RunState::Failed, e.what());
    throw;
  }
  dir.write_text("provenance.json", provenance_json(g_command_line, start, now_iso8601()));
  if (!study.complete) {
    // The run is finished once `spbench merge` has combined every shard.
    dir.set_state(RunState::Running, fmt::format("shard {}/{} evaluated", shard.index, shard.count));
    return;
  }
  dir.set_state(RunState::Finished);
  std::cout << '\n' << study.table << std::flush;
  dir.log(study.table);
  say(fmt::format("finished: {} (predictions.csv, metrics.json)", out.string()));
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "train and evaluate one experiment in a run folder");
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
  cmd->add_option("--shard", args->shard,
                  "evaluate only shard I of N (I/N, from 0); trains first unless the run folder holds a trained "
                  "checkpoint; combine the shards with `spbench merge`");
  cmd->callback([args] { run(*args); });
}

}  // namespace spbench::cli
