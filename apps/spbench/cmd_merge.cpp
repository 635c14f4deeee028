// `spbench merge RUN_DIR`: combines the shards of a run evaluated with
// `spbench run --shard I/N` into predictions.csv and metrics.json, exactly as
// an unsharded run would have written them.

#include <fmt/format.h>

#include <iostream>

#include <spbench/engine/data/paths.hpp>
#include <spbench/study/study.hpp>
#include <spbench/engine/runs/run_directory.hpp>

#include "commands.hpp"
#include "spec_loading.hpp"

namespace spbench::cli {

namespace {

struct MergeArgs {
  std::string run_dir;
  std::string data_root;
};

void merge(const MergeArgs& args) {
  const std::filesystem::path dir = args.run_dir;
  if (!std::filesystem::exists(dir / "resolved-spec.yaml"))
    throw std::runtime_error(fmt::format("{}: no resolved-spec.yaml: not a run folder", dir.string()));
  PluginRegistry registry;
  SpecSource source;
  source.file = dir / "resolved-spec.yaml";
  const ExperimentSpec spec = load_spec_for_cli(source, registry);
  const auto data_root = data::resolve_data_root(args.data_root);

  // A finished run (merged before) is merged again without touching its state.
  const bool finished = RunDirectory::read_state(dir) == RunState::Finished;
  std::unique_ptr<RunDirectory> run;
  if (!finished) run = std::make_unique<RunDirectory>(dir, RunDirectoryPolicy{false, true});
  auto say = [&run](const std::string& line) {
    std::cerr << line << '\n';
    if (run) run->log(line);
  };
  const auto result = evaluation::merge_study(spec, dir, data_root, say);
  std::cout << result.table << std::flush;
  if (run) {
    run->log(result.table);
    run->set_state(RunState::Finished);
  }
  say(fmt::format("merged: {} (predictions.csv, metrics.json)", dir.string()));
}

}  // namespace

void add_merge_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("merge", "combine the shards of a run (spbench run --shard I/N) into its results");
  auto args = std::make_shared<MergeArgs>();
  cmd->add_option("run_dir", args->run_dir, "the run folder holding predictions.shard-I-of-N.csv files")->required();
  cmd->add_option("--data-root", args->data_root, "folder that relative data paths start from "
                                                  "(default: $SPBENCH_DATA_ROOT, else ../shared/data)");
  cmd->callback([args] { merge(*args); });
}

}  // namespace spbench::cli
