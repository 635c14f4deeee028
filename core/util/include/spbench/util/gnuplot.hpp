#pragma once
// Running gnuplot on a generated script. Plots are optional output: a missing
// or failing gnuplot is reported to the caller, never thrown.

#include <filesystem>
#include <string>

namespace spbench::util {

// The gnuplot to run: $SPBENCH_GNUPLOT when set, else the first executable
// `gnuplot` on PATH; empty when there is none.
std::string find_gnuplot();

// Runs `gnuplot script` with `dir` as the working folder (so that scripts name
// their data files plainly), its output going to dir/log. True when gnuplot
// exited with status 0.
bool run_gnuplot(const std::string& gnuplot, const std::filesystem::path& dir, const std::string& script,
                 const std::string& log);

}  // namespace spbench::util
