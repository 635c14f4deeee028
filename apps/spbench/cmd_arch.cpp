// `spbench arch info ARCH`: one architecture's identity and stand-alone cost.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include <spbench/sdk/architecture_cost.hpp>
#include <spbench/sdk/cell_architecture.hpp>
#include <spbench/engine/data/datasets.hpp>

#include "commands.hpp"

namespace spbench::cli {

namespace {

struct ArchArgs {
  std::string arch;
  std::string dataset = "cifar10";
  int channels = 16;
  int cells = 5;
};

// An NAS-Bench-201 string or an index.
CellArch parse_arch_argument(const std::string& text) {
  const bool numeric = !text.empty() && std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
  if (numeric) {
    const long index = std::stol(text);
    if (index < 0 || index >= kNumArchitectures)
      throw std::runtime_error(fmt::format("architecture index {} is out of range (0 … {})", index, kNumArchitectures - 1));
    return nb201_arch(static_cast<int>(index));
  }
  try {
    return CellArch::parse(text);
  } catch (const ArchParseError& e) {
    throw std::runtime_error(fmt::format("{}\n  {}\n  {}^", e.what(), text, std::string(e.position(), ' ')));
  }
}

void info(const ArchArgs& args) {
  const CellArch arch = parse_arch_argument(args.arch);
  NetworkShape shape;
  shape.channels = args.channels;
  shape.cells_per_stage = args.cells;
  if (const DatasetInfo* d = find_dataset(args.dataset)) {
    shape.num_classes = d->classes;
    shape.input_size = d->image_size;
  }
  const ArchitectureCost cost = architecture_cost(arch, shape);
  fmt::print("architecture      {}\n", arch.to_string());
  fmt::print("nb201 index       {}\n", nb201_index(arch));
  fmt::print("isomorphism key   {}\n", isomorphism_key(arch));
  fmt::print("input→output path {}\n", has_input_output_path(arch) ? "yes" : "no (the cell outputs zeros)");
  fmt::print("network           C={} N={} {} ({} classes, {}x{} input)\n", shape.channels, shape.cells_per_stage,
             args.dataset, shape.num_classes, shape.input_size, shape.input_size);
  fmt::print("\n  {:<14} {:>14} {:>16}\n", "part", "parameters", "FLOPs");
  for (const auto& part : cost.parts) fmt::print("  {:<14} {:>14} {:>16}\n", part.name, part.params, part.flops);
  fmt::print("  {:<14} {:>14} {:>16}\n", "total", cost.params, cost.flops);
  fmt::print("\nparams {:.6f} M, FLOPs {:.6f} M\n", cost.params_M, cost.flops_M);
}

}  // namespace

void add_arch_command(CLI::App& app) {
  auto* arch = app.add_subcommand("arch", "inspect architectures");
  arch->require_subcommand(1);
  auto* cmd = arch->add_subcommand("info", "identity, parameters and FLOPs of one stand-alone architecture");
  auto args = std::make_shared<ArchArgs>();
  cmd->add_option("arch", args->arch, "NAS-Bench-201 string (|op~0|+|op~0|op~1|+|…|) or index")->required();
  cmd->add_option("--dataset", args->dataset, "input size and classes of")
      ->check(CLI::IsMember(nas_bench_201_dataset_names()));
  cmd->add_option("--channels,-C", args->channels, "channels of the first stage")->check(CLI::PositiveNumber);
  cmd->add_option("--cells,-N", args->cells, "cells per stage")->check(CLI::PositiveNumber);
  cmd->callback([args] { info(*args); });
}

}  // namespace spbench::cli
