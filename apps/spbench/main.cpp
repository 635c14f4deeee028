// spbench: ranking correlation of single-path weight-sharing super-networks.
//
// Loading LibTorch costs about a second before main() even starts (its
// static operator registrations), more than `spbench score` spends on 1,000
// bootstrap resamples of 15,625 architectures. So this executable links only
// the torch-free layers and runs the analysis commands (score, stats, table,
// report) itself; for every other subcommand (and for --help and --version,
// which list them all) it loads the spbench-cli library beside it and hands
// over the command line. The library stays loaded until the process exits.

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include <iostream>
#include <string_view>

#include "analysis_commands.hpp"

namespace {

int run_analysis(int argc, char** argv) {
  CLI::App app{spbench::cli::kAppDescription};
  app.require_subcommand(1);
  spbench::cli::add_score_command(app);
  spbench::cli::add_stats_command(app);
  spbench::cli::add_table_command(app);
  spbench::cli::add_report_command(app);
  return spbench::cli::run_app(app, argc, argv);
}

int run_full(int argc, char** argv) {
  // Installed and built alike: <prefix>/bin/spbench, <prefix>/lib/libspbench-cli.so.
  const auto library = boost::dll::program_location().parent_path().parent_path() / "lib" /
                       ("libspbench-cli" + boost::dll::shared_library::suffix().string());
  // Never unloaded (hence new without delete): objects with static storage
  // in the library and in LibTorch are destroyed at exit, after main returns,
  // and must find their code still mapped.
  boost::dll::shared_library* cli = nullptr;
  try {
    cli = new boost::dll::shared_library(library);
  } catch (const std::exception& e) {
    std::cerr << "error: cannot load " << library.string() << " (the spbench commands that need LibTorch): "
              << e.what() << '\n';
    return 1;
  }
  return cli->get<int(int, char**)>("spbench_cli_main")(argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && spbench::cli::is_analysis_command(argv[1])) return run_analysis(argc, argv);
  return run_full(argc, argv);
}
