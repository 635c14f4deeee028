#pragma once
// Finding, checking and instantiating plugins.
//
// The registry starts with the statically linked plugins (SPBENCH_PLUGIN_STATIC)
// and loads plugin libraries from folders: the build's/installation's plugin
// folder, the folders in SPBENCH_PLUGIN_PATH and a spec's `plugin_paths`.
// Loading a library refuses it (PluginError naming the file and the reason)
// when it is not a plugin (no `spbench_plugin` entry point), reports another
// API version, LibTorch version or C++ ABI flag, an unknown kind, or a name
// that is already registered. A library stays loaded while the registry or
// any object created from it lives: each created object's deleter holds the
// library, and so does every module a strategy makes (operation_factory_of in
// model/supernet.hpp binds them with keep_plugin_library).

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "spbench/sdk/options.hpp"
#include "spbench/sdk/plugin.hpp"
#include "spbench/sdk/plugin_info.hpp"

namespace spbench {

class PluginError : public std::runtime_error {
 public:
  PluginError(std::string file, std::string reason);
  const std::string& file() const { return file_; }
  const std::string& reason() const { return reason_; }

 private:
  std::string file_;
  std::string reason_;
};

// OptionInfo, PluginInfo: plugin_info.hpp (free of LibTorch).

class PluginRegistry {
 public:
  // Registers the statically linked plugins (if any) unless told not to
  // (tests that load the same plugins from libraries).
  explicit PluginRegistry(bool with_static_plugins = true);
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Whether load_library() first loads each library in a forked child
  // process, so that a library that crashes during loading is refused
  // instead of taking the process down (default: on).
  void set_probe_in_subprocess(bool probe) { probe_ = probe; }

  // Loads one library and returns the plugins it registered (one or more);
  // throws PluginError when it is refused, and then registers none of them.
  // The same file reached again (through a symbolic link, or a folder both
  // in SPBENCH_PLUGIN_PATH and a spec's plugin_paths) is not loaded twice:
  // its plugins are returned again.
  std::vector<const PluginInfo*> load_library(const std::filesystem::path& file);
  // Loads every library (platform suffix, e.g. .so) directly in `dir`, in
  // name order. Refusals are returned, not thrown, so one broken library does
  // not hide the others; callers decide whether they are fatal. A missing
  // folder is a refusal too.
  std::vector<PluginError> load_directory(const std::filesystem::path& dir);
  // Registers a descriptor directly (static plugins, tests).
  const PluginInfo& add_descriptor(const PluginDescriptor* descriptor, const std::string& source);

  const PluginInfo* find(const std::string& name) const;
  const PluginInfo* find(PluginKind kind, const std::string& name) const;
  std::vector<const PluginInfo*> list(std::optional<PluginKind> kind = std::nullopt) const;
  std::vector<std::string> names(PluginKind kind) const;

  // Instances; throw std::invalid_argument for an unknown name. The options
  // are first completed and checked against the plugin's schema
  // (PluginInfo::complete_options: defaults, type, range, choices, unknown
  // names), so an OptionError comes either from that check or from the
  // plugin's own checks of what the schema cannot express.
  std::shared_ptr<PathSampler> make_sampler(const std::string& name, const Options& options) const;
  std::shared_ptr<SupernetStrategy> make_strategy(const std::string& name, const Options& options) const;
  std::shared_ptr<TrainingVariant> make_variant(const std::string& name, const Options& options) const;

 private:
  struct Entry;
  const Entry& entry(PluginKind kind, const std::string& name) const;
  std::vector<std::unique_ptr<Entry>> entries_;
  bool probe_ = true;
};

// Who made a plugin object. The registry puts it into the deleter of every
// object it returns.
struct PluginOrigin {
  PluginKind kind;
  std::string name;
  std::string version;
  std::string source;                   // as PluginInfo::source
  std::shared_ptr<const void> library;  // keeps the library mapped; null for a built-in plugin
};

// The origin of an object a PluginRegistry made; null for an object made
// otherwise (a test's own class).
const PluginOrigin* plugin_origin(const std::shared_ptr<const PluginObject>& object);

// `object`, made by the code of `creator`'s library (a module a strategy's
// make_operation returned), with that library kept mapped until the last
// owner of `object` is gone: its destructor and virtual functions live in the
// library. Returns `object` itself when `creator` has no library.
// (A shared_ptr the object makes of itself with shared_from_this() does not
// hold the library; keep the returned pointer.)
template <typename T>
std::shared_ptr<T> keep_plugin_library(std::shared_ptr<T> object, const std::shared_ptr<const PluginObject>& creator) {
  const PluginOrigin* origin = plugin_origin(creator);
  if (!object || !origin || !origin->library) return object;
  struct Holder {
    std::shared_ptr<const void> library;
    std::shared_ptr<T> object;
    ~Holder() { object.reset(); }  // the object first, while its code is mapped
  };
  auto holder = std::make_shared<Holder>();
  holder->library = origin->library;
  holder->object = std::move(object);
  T* raw = holder->object.get();
  return std::shared_ptr<T>(std::move(holder), raw);
}

// The folders the command-line tool scans, in order: the plugin folder next
// to the executable (<exe>/../lib/spbench/plugins, in the build tree and in an
// installation alike), then every folder of SPBENCH_PLUGIN_PATH (':'-separated).
std::vector<std::filesystem::path> default_plugin_directories();

}  // namespace spbench
