// `spbench plugins [--kind K] [NAME]`: what is installed and how to configure it.

#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)

#include <iostream>
#include <optional>

#include "commands.hpp"

namespace spbench::cli {

namespace {

void print_plugin(const PluginInfo& p, bool detailed) {
  fmt::print("  {:<22} {:<8} {}\n", p.name, p.version, p.description);
  if (detailed) fmt::print("    kind: {}\n    from: {}\n", plugin_kind_name(p.kind), p.source);
  if (p.options.empty()) {
    if (detailed) fmt::print("    (no options)\n");
    return;
  }
  for (const auto& o : p.options) {
    std::string type(option_type_name(o.type));
    if (!o.choices.empty()) type = fmt::format("{}: {}", type, fmt::join(o.choices, "|"));
    fmt::print("    {:<20} {:<28} default {:<8} {}\n", o.name, "(" + type + ")", o.default_yaml, o.doc);
  }
}

}  // namespace

void add_plugins_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("plugins", "list the plugins (kind, version, description, options)");
  auto kind = std::make_shared<std::string>();
  auto name = std::make_shared<std::string>();
  auto paths = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--kind", *kind, "only this kind")->check(CLI::IsMember({"sampler", "strategy", "variant"}));
  cmd->add_option("--plugin-path", *paths, "extra folder to scan for plugin libraries (repeatable)");
  cmd->add_option("name", *name, "show one plugin in detail");
  cmd->callback([kind, name, paths] {
    PluginRegistry registry;
    std::vector<std::filesystem::path> extra(paths->begin(), paths->end());
    load_plugins(registry, extra, /*strict=*/false);
    if (!name->empty()) {
      const PluginInfo* p = registry.find(*name);
      if (!p) {
        std::string known;
        for (const auto* q : registry.list()) known += (known.empty() ? "" : ", ") + q->name;
        throw std::runtime_error(fmt::format("no plugin named '{}' (loaded: {})", *name, known));
      }
      print_plugin(*p, true);
      return;
    }
    std::optional<PluginKind> filter;
    if (*kind == "sampler") filter = PluginKind::Sampler;
    if (*kind == "strategy") filter = PluginKind::Strategy;
    if (*kind == "variant") filter = PluginKind::Variant;
    for (PluginKind k : {PluginKind::Sampler, PluginKind::Strategy, PluginKind::Variant}) {
      if (filter && *filter != k) continue;
      auto list = registry.list(k);
      fmt::print("{} ({})\n", k == PluginKind::Sampler ? "samplers" : k == PluginKind::Strategy ? "strategies" : "variants", list.size());
      for (const auto* p : list) print_plugin(*p, false);
    }
  });
}

}  // namespace spbench::cli
