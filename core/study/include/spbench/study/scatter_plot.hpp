#pragma once
// A run's scatter plot: prediction against truth from its predictions.csv.

#include <filesystem>
#include <functional>
#include <string>

namespace spbench::evaluation {

// Writes <dir>/scatter.gp and runs gnuplot on it to make <dir>/scatter.png.
// Returns false (after saying why through `sink`) when gnuplot is missing or
// fails; never throws for that.
bool plot_scatter(const std::filesystem::path& dir, const std::string& title,
                  const std::function<void(const std::string&)>& sink);

}  // namespace spbench::evaluation
