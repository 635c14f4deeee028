// The full `spbench` command line: every subcommand, LibTorch loaded. The
// executable (main.cpp) calls spbench_cli_main for any subcommand that is not
// one of the analysis commands, which it runs itself without LibTorch.

#include <fmt/format.h>

#include <iostream>

#include <boost/config.hpp>

#include <spbench/sdk/version.hpp>

#include "commands.hpp"

namespace spbench::cli {
std::string g_command_line;

void load_plugins(PluginRegistry& registry, const std::vector<std::filesystem::path>& extra_dirs, bool strict,
                  bool default_dirs) {
  std::vector<std::filesystem::path> dirs;
  if (default_dirs) dirs = default_plugin_directories();
  dirs.insert(dirs.end(), extra_dirs.begin(), extra_dirs.end());
  std::vector<PluginError> errors;
  for (const auto& dir : dirs) {
    auto e = registry.load_directory(dir);
    errors.insert(errors.end(), e.begin(), e.end());
  }
  for (const auto& e : errors) std::cerr << (strict ? "error: " : "warning: ") << e.what() << '\n';
  if (strict && !errors.empty())
    throw std::runtime_error(fmt::format("{} plugin librar{} refused (see above)", errors.size(),
                                         errors.size() == 1 ? "y was" : "ies were"));
}
}  // namespace spbench::cli

extern "C" BOOST_SYMBOL_EXPORT int spbench_cli_main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) {
    if (i) spbench::cli::g_command_line += ' ';
    spbench::cli::g_command_line += argv[i];
  }
  CLI::App app{spbench::cli::kAppDescription};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("spbench ") + spbench::kProjectVersion);
  spbench::cli::add_plugins_command(app);
  spbench::cli::add_validate_command(app);
  spbench::cli::add_run_command(app);
  spbench::cli::add_arch_command(app);
  spbench::cli::add_score_command(app);
  spbench::cli::add_merge_command(app);
  spbench::cli::add_matrix_command(app);
  spbench::cli::add_zero_cost_command(app);
  spbench::cli::add_table_command(app);
  spbench::cli::add_stats_command(app);
  spbench::cli::add_report_command(app);
  return spbench::cli::run_app(app, argc, argv);
}
