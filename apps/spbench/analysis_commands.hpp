#pragma once
// The subcommands that read result files only (scores, statistics, tables,
// the report page). They need no LibTorch, so the `spbench` executable runs
// them without loading it (main.cpp); every other subcommand lives in the
// spbench-cli library (commands.hpp), which main.cpp loads on demand.

#include <CLI/CLI.hpp>

#include <string>
#include <string_view>

namespace spbench::cli {

void add_score_command(CLI::App& app);
void add_stats_command(CLI::App& app);
void add_table_command(CLI::App& app);
void add_report_command(CLI::App& app);

// Whether `name` is one of the subcommands above.
bool is_analysis_command(std::string_view name);

// The app's title, shared by both entry points so that `--help` reads alike.
extern const char* const kAppDescription;

// Parses and runs `app`, turning exceptions into messages and exit codes: 2
// for a spec's diagnostics (printed with file and line), 1 for other errors.
int run_app(CLI::App& app, int argc, char** argv);

}  // namespace spbench::cli
