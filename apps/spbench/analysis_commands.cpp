#include "analysis_commands.hpp"

#include <array>
#include <iostream>

#include <spbench/util/yaml/diagnostic.hpp>

namespace spbench::cli {

const char* const kAppDescription =
    "spbench: how well do weight-sharing single-path super-networks rank architectures?";

bool is_analysis_command(std::string_view name) {
  static constexpr std::array<std::string_view, 4> kNames{"report", "score", "stats", "table"};
  for (const auto n : kNames)
    if (n == name) return true;
  return false;
}

int run_app(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const spbench::SpecError& e) {
    std::cerr << spbench::format(e.diagnostics());
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}

}  // namespace spbench::cli
