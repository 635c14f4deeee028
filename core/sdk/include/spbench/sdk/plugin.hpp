#pragma once
// The plugin ABI: what a plugin library exports and how a plugin source
// declares itself.
//
// A plugin source registers each plugin class with one line:
//
//   SPBENCH_SAMPLER(UniformSampler, "uniform", "1.0.0", "one line", kOptions)
//   SPBENCH_STRATEGY(MyStrategy, "my-strategy", "0.1.0", "one line")       // no options
//   SPBENCH_VARIANT(MyVariant, "my-variant", "0.1.0", "one line", kOptions)
//
// (at namespace scope, any number per source and per library: a family of
// plugins that belong together ships as one library). The kind is checked
// against the class's base at compile time.
//
// A plugin library (built with spbench_add_plugin, which defines
// SPBENCH_PLUGIN_LIBRARY) exports one entry point, the symbol
// `spbench_plugin`: a pointer to a function returning `const PluginList*`,
// the descriptors of every plugin the library registered. The list's and each
// descriptor's leading fields are plain C data (magic, API version, LibTorch
// version, C++ ABI flag, kind, names, option schema) so that the loader can
// check them before it calls any of the plugin's C++ code (the factory).
// Compiled with SPBENCH_PLUGIN_STATIC defined (tests, static builds) the same
// lines register the descriptors in the process-wide static plugin list
// instead.
//
// Writing one: docs/writing-a-plugin.md. ABI rules: docs/plugin-abi.md.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

#include "spbench/sdk/options.hpp"
#include "spbench/sdk/path_sampler.hpp"
#include "spbench/sdk/plugin_info.hpp"
#include "spbench/sdk/supernet_strategy.hpp"
#include "spbench/sdk/training_variant.hpp"
#include "spbench/sdk/version.hpp"

#ifndef SPBENCH_TORCH_VERSION
#include <torch/version.h>
#define SPBENCH_TORCH_VERSION TORCH_VERSION
#endif

// libstdc++'s choice of std::string/std::list layout: a plugin and the core
// must agree, since std::string and std::map cross the boundary (Options,
// RunSetup, SubSupernet …). -1: not libstdc++.
#ifndef SPBENCH_CXX11_ABI
#if defined(_GLIBCXX_USE_CXX11_ABI)
#define SPBENCH_CXX11_ABI _GLIBCXX_USE_CXX11_ABI
#else
#define SPBENCH_CXX11_ABI -1
#endif
#endif

namespace spbench {

// PluginKind: plugin_info.hpp.

struct PluginDescriptor {
  // --- plain data, checked before anything else ---
  std::uint32_t magic;        // kPluginMagic
  std::uint32_t api_version;  // kPluginApiVersion of the headers it was built with
  const char* torch_version;  // LibTorch version it was built with ("1.13.0")
  std::int32_t cxx11_abi;     // _GLIBCXX_USE_CXX11_ABI it was built with (-1: not libstdc++)
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

// What a library's entry point returns. Its first two fields are those of a
// PluginDescriptor, so that a library built for API version 1 (whose entry
// point returned one descriptor) is refused by its API version.
struct PluginList {
  std::uint32_t magic;        // kPluginMagic
  std::uint32_t api_version;  // kPluginApiVersion
  std::size_t count;
  const PluginDescriptor* const* descriptors;
};

// Placeholder schema for plugins without options (arrays cannot be empty).
inline constexpr OptionSpec kNoOptions[1] = {{"", OptionType::Bool, "", "", nullptr}};

namespace detail {
template <typename T, typename Base>
Base* construct(const Options& options) {
  return new T(options);
}

template <typename T>
constexpr PluginKind kind_of() {
  if constexpr (std::is_base_of_v<PathSampler, T>) {
    return PluginKind::Sampler;
  } else if constexpr (std::is_base_of_v<SupernetStrategy, T>) {
    return PluginKind::Strategy;
  } else {
    static_assert(std::is_base_of_v<TrainingVariant, T>, "a plugin implements one of the three interfaces");
    return PluginKind::Variant;
  }
}
}  // namespace detail

// Builds the descriptor of plugin class T (derived from PathSampler,
// SupernetStrategy or TrainingVariant, constructible from `const Options&`).
// The registration lines below call it; call it directly only to build a
// deliberately wrong descriptor (the loader's tests).
template <typename T, std::size_t N>
constexpr PluginDescriptor make_plugin_descriptor(const char* name, const char* version, const char* description,
                                                  const OptionSpec (&options)[N]) {
  static_assert(std::is_constructible_v<T, const Options&>, "a plugin class is constructible from const Options&");
  PluginDescriptor d{kPluginMagic, kPluginApiVersion, SPBENCH_TORCH_VERSION, SPBENCH_CXX11_ABI, 0, name, version,
                     description, options, N, nullptr, nullptr, nullptr};
  constexpr PluginKind kind = detail::kind_of<T>();
  d.kind = static_cast<std::uint32_t>(kind);
  if constexpr (kind == PluginKind::Sampler) d.make_sampler = &detail::construct<T, PathSampler>;
  if constexpr (kind == PluginKind::Strategy) d.make_strategy = &detail::construct<T, SupernetStrategy>;
  if constexpr (kind == PluginKind::Variant) d.make_variant = &detail::construct<T, TrainingVariant>;
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

// The statically registered descriptors, in registration order.
std::vector<const PluginDescriptor*> static_plugin_descriptors();

namespace detail {

// The descriptors one plugin library registered, as a list built during the
// library's static initialisation (the loader calls the entry point only
// after dlopen() returned, so the list is complete). Hidden, so that every
// library has its own list even when its other inline functions are visible.
struct PluginListNode {
  const PluginDescriptor* (*entry)();
  PluginListNode* next;
};

__attribute__((visibility("hidden"))) inline PluginListNode*& library_plugins() {
  static PluginListNode* head = nullptr;
  return head;
}

struct LibraryPluginRegistrar {
  explicit LibraryPluginRegistrar(PluginListNode* node) {
    // Appended, so that the list is in registration order.
    PluginListNode** tail = &library_plugins();
    while (*tail) tail = &(*tail)->next;
    *tail = node;
  }
};

__attribute__((visibility("hidden"))) inline const PluginList* library_plugin_list() {
  static const std::vector<const PluginDescriptor*> descriptors = [] {
    std::vector<const PluginDescriptor*> out;
    for (PluginListNode* n = library_plugins(); n; n = n->next) out.push_back(n->entry());
    return out;
  }();
  static const PluginList list{kPluginMagic, kPluginApiVersion, descriptors.size(), descriptors.data()};
  return &list;
}

// Only the kind's name is needed at compile time, to check the line against
// the class.
template <typename T, PluginKind Kind>
constexpr bool registered_as() {
  static_assert(detail::kind_of<T>() == Kind,
                "the registration line's kind (SPBENCH_SAMPLER/STRATEGY/VARIANT) does not match the class's base");
  return true;
}

}  // namespace detail

}  // namespace spbench

#define SPBENCH_PLUGIN_CONCAT_INNER(a, b) a##b
#define SPBENCH_PLUGIN_CONCAT(a, b) SPBENCH_PLUGIN_CONCAT_INNER(a, b)

// SPBENCH_PLUGIN(descriptor_function): registers the descriptor that
// `descriptor_function` (a `const PluginDescriptor* ()`) returns. The
// one-line macros below expand to it; write it by hand only for a descriptor
// built by hand.
#if defined(SPBENCH_PLUGIN_STATIC)
// Linked into the executable: register at static-initialisation time.
#define SPBENCH_PLUGIN(entry_function)                                                         \
  static const ::spbench::StaticPluginRegistrar SPBENCH_PLUGIN_CONCAT(spbench_static_plugin_, \
                                                                      __COUNTER__){&(entry_function)};
#else
// In a plugin library: add it to the library's list.
#define SPBENCH_PLUGIN(entry_function) SPBENCH_PLUGIN_LIST_ENTRY(entry_function, __COUNTER__)
#define SPBENCH_PLUGIN_LIST_ENTRY(entry_function, n)                                                           \
  static ::spbench::detail::PluginListNode SPBENCH_PLUGIN_CONCAT(spbench_plugin_node_, n){&(entry_function), \
                                                                                         nullptr};           \
  static const ::spbench::detail::LibraryPluginRegistrar SPBENCH_PLUGIN_CONCAT(spbench_plugin_registrar_, n){ \
      &SPBENCH_PLUGIN_CONCAT(spbench_plugin_node_, n)};

#if defined(SPBENCH_PLUGIN_LIBRARY)
// The library's one entry point, in the form Boost.DLL's get_alias() reads
// (a variable holding the function's address). Weak, so that every source of
// the library may define it; they are the same.
extern "C" {
__attribute__((weak, visibility("default"))) const void* spbench_plugin =
    reinterpret_cast<const void*>(&::spbench::detail::library_plugin_list);
}
#endif
#endif

// One registration line per plugin: class, name, version, description and,
// optionally, the option schema (an array of OptionSpec).
#define SPBENCH_REGISTER_PLUGIN_AS(kind, cls, ...) SPBENCH_REGISTER_PLUGIN_N(kind, cls, __COUNTER__, __VA_ARGS__)
#define SPBENCH_REGISTER_PLUGIN_N(kind, cls, n, ...) SPBENCH_REGISTER_PLUGIN_N2(kind, cls, n, __VA_ARGS__)
#define SPBENCH_REGISTER_PLUGIN_N2(kind, cls, n, ...)                                                    \
  static_assert(::spbench::detail::registered_as<cls, ::spbench::PluginKind::kind>());                  \
  static const ::spbench::PluginDescriptor* SPBENCH_PLUGIN_CONCAT(spbench_plugin_descriptor_, n)() {   \
    static const ::spbench::PluginDescriptor d = ::spbench::make_plugin_descriptor<cls>(__VA_ARGS__); \
    return &d;                                                                                          \
  }                                                                                                     \
  SPBENCH_PLUGIN(SPBENCH_PLUGIN_CONCAT(spbench_plugin_descriptor_, n))

#define SPBENCH_SAMPLER(cls, ...) SPBENCH_REGISTER_PLUGIN_AS(Sampler, cls, __VA_ARGS__)
#define SPBENCH_STRATEGY(cls, ...) SPBENCH_REGISTER_PLUGIN_AS(Strategy, cls, __VA_ARGS__)
#define SPBENCH_VARIANT(cls, ...) SPBENCH_REGISTER_PLUGIN_AS(Variant, cls, __VA_ARGS__)
