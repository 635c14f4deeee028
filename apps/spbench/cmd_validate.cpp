// `spbench validate SPEC [--set k=v]…`: check everything, print the resolved spec.

#include <iostream>

#include <spbench/engine/experiment/experiment.hpp>

#include "commands.hpp"
#include "spec_loading.hpp"

namespace spbench::cli {

void add_validate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("validate", "check a spec (plugins and options included) and print it resolved");
  auto file = std::make_shared<std::string>();
  auto sets = std::make_shared<std::vector<std::string>>();
  cmd->add_option("spec", *file, "spec file (default: the embedded quickstart experiment)");
  cmd->add_option("--set", *sets, "override a key: a.b.c=value (repeatable)");
  cmd->callback([file, sets] {
    PluginRegistry registry;
    SpecSource source;
    if (!file->empty()) source.file = *file;
    source.sets = *sets;
    ExperimentSpec spec = load_spec_for_cli(source, registry);
    // The plugins themselves check what the schema cannot (a split edge the
    // subset excludes, an option range): build them as a run would.
    prepare_experiment(spec, registry);
    std::cout << to_yaml(spec);
  });
}

}  // namespace spbench::cli
