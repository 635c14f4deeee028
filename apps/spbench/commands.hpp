#pragma once
// The subcommands of the `spbench` tool that build, train or load
// super-networks (LibTorch); each registers itself on the app. They are
// compiled into the spbench-cli library, whose entry point
// spbench_cli_main (cli_main.cpp) the executable loads for them.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <spbench/engine/plugins/plugin_registry.hpp>

#include "analysis_commands.hpp"

namespace spbench::cli {

void add_plugins_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_arch_command(CLI::App& app);
void add_merge_command(CLI::App& app);
void add_matrix_command(CLI::App& app);
void add_zero_cost_command(CLI::App& app);

// Loads the statically linked plugins, the plugin folder next to the
// executable, SPBENCH_PLUGIN_PATH and `extra_dirs`. Refusals are printed; with
// `strict` any refusal is an error (std::runtime_error). Without
// `default_dirs` only `extra_dirs` are scanned (a registry that already holds
// the default folders would refuse each of their plugins as a duplicate).
void load_plugins(PluginRegistry& registry, const std::vector<std::filesystem::path>& extra_dirs, bool strict,
                  bool default_dirs = true);

// The full command line, for provenance.
extern std::string g_command_line;

}  // namespace spbench::cli
