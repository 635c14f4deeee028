#pragma once
// The subcommands of the `spbench` tool; each registers itself on the app.

#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <spbench/plugin_registry.hpp>

namespace spbench::cli {

void add_plugins_command(CLI::App& app);
void add_validate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_arch_command(CLI::App& app);
void add_matrix_command(CLI::App& app);
void add_table_command(CLI::App& app);

// Loads the statically linked plugins, the plugin folder next to the
// executable, SPBENCH_PLUGIN_PATH and `extra_dirs`. Refusals are printed; with
// `strict` any refusal is an error (std::runtime_error).
void load_plugins(PluginRegistry& registry, const std::vector<std::filesystem::path>& extra_dirs, bool strict);

// The full command line, for provenance.
extern std::string g_command_line;

}  // namespace spbench::cli
