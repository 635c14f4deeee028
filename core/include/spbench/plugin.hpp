#pragma once
// The plugin ABI: what a plugin library exports and how a plugin source
// declares itself.
//
// Every plugin library exports exactly one entry point, the Boost.DLL alias
// `spbench_plugin`, a function returning `const PluginDescriptor*`. The
// descriptor's leading fields are plain C data (magic, API version, LibTorch
// version, kind, names, option schema) so that the loader can check them
// before it calls any of the plugin's C++ code (the factory).
//
// A plugin source ends with SPBENCH_PLUGIN(descriptor_function). Compiled as
// a plugin library that exports the entry point; compiled with
// SPBENCH_PLUGIN_STATIC defined (tests, static builds) it instead registers
// the descriptor in the process-wide static plugin list.
//
// Writing one: docs/writing-a-plugin.md. ABI rules: docs/plugin-abi.md.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "spbench/options.hpp"
#include "spbench/path_sampler.hpp"
#include "spbench/plugin_info.hpp"
#include "spbench/supernet_strategy.hpp"
#include "spbench/training_variant.hpp"
#include "spbench/version.hpp"

#ifndef SPBENCH_TORCH_VERSION
#include <torch/version.h>
#define SPBENCH_TORCH_VERSION TORCH_VERSION
#endif

namespace spbench {

// PluginKind: plugin_info.hpp.

struct PluginDescriptor {
  // --- plain data, checked before anything else ---
  std::uint32_t magic;        // kPluginMagic
  std::uint32_t api_version;  // kPluginApiVersion of the headers it was built with
  const char* torch_version;  // LibTorch version it was built with ("1.13.0")
  std::uint32_t kind;         // a PluginKind value
  const char* name;           // unique, e.g. "uniform"
  const char* version;        // the plugin's own version, e.g. "1.0.0"
  const char* description;    // one line
  const OptionSpec* options;  // option schema
  std::size_t option_count;
  // --- factories: exactly the one matching `kind` is set ---
  PathSampler* (*make_sampler)(const Options&);
  SupernetStrategy* (*make_strategy)(const Options&);
  TrainingVariant* (*make_variant)(const Options&);
};

// Placeholder schema for plugins without options (arrays cannot be empty).
inline constexpr OptionSpec kNoOptions[1] = {{"", OptionType::Bool, "", "", nullptr}};

namespace detail {
template <typename T, typename Base>
Base* construct(const Options& options) {
  return new T(options);
}
}  // namespace detail

// Builds the descriptor of plugin class T (derived from PathSampler,
// SupernetStrategy or TrainingVariant, constructible from `const Options&`).
template <typename T, std::size_t N>
constexpr PluginDescriptor make_plugin_descriptor(const char* name, const char* version, const char* description,
                                                  const OptionSpec (&options)[N]) {
  PluginDescriptor d{kPluginMagic, kPluginApiVersion, SPBENCH_TORCH_VERSION, 0, name, version, description,
                     options, N, nullptr, nullptr, nullptr};
  if constexpr (std::is_base_of_v<PathSampler, T>) {
    d.kind = static_cast<std::uint32_t>(PluginKind::Sampler);
    d.make_sampler = &detail::construct<T, PathSampler>;
  } else if constexpr (std::is_base_of_v<SupernetStrategy, T>) {
    d.kind = static_cast<std::uint32_t>(PluginKind::Strategy);
    d.make_strategy = &detail::construct<T, SupernetStrategy>;
  } else {
    static_assert(std::is_base_of_v<TrainingVariant, T>, "a plugin implements one of the three interfaces");
    d.kind = static_cast<std::uint32_t>(PluginKind::Variant);
    d.make_variant = &detail::construct<T, TrainingVariant>;
  }
  return d;
}

// The same for a plugin without options.
template <typename T>
constexpr PluginDescriptor make_plugin_descriptor(const char* name, const char* version, const char* description) {
  PluginDescriptor d = make_plugin_descriptor<T, 1>(name, version, description, kNoOptions);
  d.options = nullptr;
  d.option_count = 0;
  return d;
}

// Static registration (SPBENCH_PLUGIN_STATIC): the core keeps a list of
// descriptors registered by code linked into the executable.
struct StaticPluginRegistrar {
  explicit StaticPluginRegistrar(const PluginDescriptor* (*entry)());
};

}  // namespace spbench

#define SPBENCH_PLUGIN_CONCAT_INNER(a, b) a##b
#define SPBENCH_PLUGIN_CONCAT(a, b) SPBENCH_PLUGIN_CONCAT_INNER(a, b)

#if defined(SPBENCH_PLUGIN_STATIC)
// Linked into the executable: register at static-initialisation time.
#define SPBENCH_PLUGIN(entry_function)                                                         \
  static const ::spbench::StaticPluginRegistrar SPBENCH_PLUGIN_CONCAT(spbench_static_plugin_, \
                                                                      __COUNTER__){&(entry_function)};
#else
#include <boost/dll/alias.hpp>
// A plugin library: export the single entry point `spbench_plugin`. The
// alias must name a function in a namespace (an alias equal to a global
// function's name shadows it).
#define SPBENCH_PLUGIN(entry_function) BOOST_DLL_ALIAS(entry_function, spbench_plugin)
#endif
