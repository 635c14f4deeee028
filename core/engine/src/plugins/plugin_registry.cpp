#include "spbench/engine/plugins/plugin_registry.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include "spbench/sdk/option_parsing.hpp"
#include "spbench/engine/spec/registry_catalog.hpp"

namespace spbench {

namespace fs = std::filesystem;

PluginError::PluginError(std::string file, std::string reason)
    : std::runtime_error(fmt::format("{}: {}", file, reason)), file_(std::move(file)), reason_(std::move(reason)) {}

// One registered plugin: its checked information, its descriptor and its
// origin, which (for a library) holds the handle that keeps the code loaded
// and goes into the deleter of every object made from it.
struct PluginRegistry::Entry {
  PluginInfo info;
  const PluginDescriptor* descriptor = nullptr;
  std::shared_ptr<const PluginOrigin> library;  // never null; its library is null for static plugins
  fs::path canonical;  // the library's resolved path (empty for static plugins)
};

namespace {

std::vector<std::string> split_choices(const char* choices) {
  std::vector<std::string> out;
  if (!choices || !*choices) return out;
  std::string s(choices);
  std::size_t start = 0;
  while (true) {
    auto bar = s.find('|', start);
    out.push_back(s.substr(start, bar - start));
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  return out;
}

// Checks the plain-data part of a descriptor and copies it. Nothing of the
// plugin's own code runs here: only fields written by the compiler are read.
PluginInfo check_descriptor(const PluginDescriptor* d, const std::string& source) {
  if (d == nullptr) throw PluginError(source, "the entry point 'spbench_plugin' returned no descriptor");
  if (d->magic != kPluginMagic)
    throw PluginError(source, "the entry point 'spbench_plugin' does not return an spbench plugin descriptor");
  if (d->api_version != kPluginApiVersion)
    throw PluginError(source, fmt::format("built for plugin API version {}, but this spbench needs API version {}; "
                                          "rebuild the plugin against the installed spbench headers",
                                          d->api_version, kPluginApiVersion));
  const char* torch = d->torch_version ? d->torch_version : "(none)";
  if (std::strcmp(torch, SPBENCH_TORCH_VERSION) != 0)
    throw PluginError(source, fmt::format("built against LibTorch {}, but this spbench uses LibTorch {}; "
                                          "rebuild the plugin against the same LibTorch",
                                          torch, SPBENCH_TORCH_VERSION));
  if (d->cxx11_abi != SPBENCH_CXX11_ABI)
    throw PluginError(source, fmt::format("built with _GLIBCXX_USE_CXX11_ABI={}, but this spbench uses {}; "
                                          "std::string and std::map cross the plugin boundary, so rebuild the "
                                          "plugin with the flag of spbench's LibTorch (spbench::sdk carries it)",
                                          d->cxx11_abi, SPBENCH_CXX11_ABI));
  PluginInfo info;
  switch (d->kind) {
    case static_cast<std::uint32_t>(PluginKind::Sampler):
      info.kind = PluginKind::Sampler;
      if (!d->make_sampler) throw PluginError(source, "a sampler plugin without a sampler factory");
      break;
    case static_cast<std::uint32_t>(PluginKind::Strategy):
      info.kind = PluginKind::Strategy;
      if (!d->make_strategy) throw PluginError(source, "a strategy plugin without a strategy factory");
      break;
    case static_cast<std::uint32_t>(PluginKind::Variant):
      info.kind = PluginKind::Variant;
      if (!d->make_variant) throw PluginError(source, "a variant plugin without a variant factory");
      break;
    default:
      throw PluginError(source, fmt::format("unknown plugin kind {} (expected 1 = sampler, 2 = strategy, 3 = variant)",
                                            d->kind));
  }
  if (!d->name || !*d->name) throw PluginError(source, "the plugin has no name");
  info.name = d->name;
  info.version = d->version ? d->version : "";
  info.description = d->description ? d->description : "";
  info.source = source;
  for (std::size_t i = 0; i < d->option_count; ++i) {
    const OptionSpec& o = d->options[i];
    if (!o.name || !*o.name) throw PluginError(source, fmt::format("option {} of plugin '{}' has no name", i, info.name));
    OptionInfo oi{o.name, o.type, o.default_yaml ? o.default_yaml : "", o.doc ? o.doc : "", split_choices(o.choices),
                  ValueRange{}};
    if (o.range && *o.range) {
      try {
        oi.range = parse_value_range(o.range);
      } catch (const std::exception& e) {
        throw PluginError(source, fmt::format("plugin '{}': option '{}': {}", info.name, oi.name, e.what()));
      }
    }
    // A default that does not parse is the plugin author's bug; catch it at load time.
    try {
      (void)parse_option_value(oi, oi.default_yaml);
    } catch (const std::exception& e) {
      throw PluginError(source, fmt::format("plugin '{}': default of option '{}' is invalid: {}", info.name, oi.name,
                                            e.what()));
    }
    info.options.push_back(std::move(oi));
  }
  return info;
}

}  // namespace

PluginRegistry::PluginRegistry(bool with_static_plugins) {
  if (!with_static_plugins) return;
  for (const auto* d : static_plugin_descriptors()) add_descriptor(d, "(built in)");
}

PluginRegistry::~PluginRegistry() = default;

const PluginInfo& PluginRegistry::add_descriptor(const PluginDescriptor* descriptor, const std::string& source) {
  PluginInfo info = check_descriptor(descriptor, source);
  if (const PluginInfo* existing = find(info.name))
    throw PluginError(source, fmt::format("duplicate plugin name '{}': a {} of that name is already loaded from {}",
                                          info.name, plugin_kind_name(existing->kind), existing->source));
  auto entry = std::make_unique<Entry>();
  entry->info = std::move(info);
  entry->descriptor = descriptor;
  entry->library = std::make_shared<const PluginOrigin>(
      PluginOrigin{entry->info.kind, entry->info.name, entry->info.version, entry->info.source, nullptr});
  entries_.push_back(std::move(entry));
  return entries_.back()->info;
}

namespace {

// Loads the library and calls its entry point in a child process first: a
// library whose initialisation crashes (or aborts) then costs the child, not
// the run, and is refused with the signal it died of.
void probe_in_child(const fs::path& file) {
  const pid_t pid = ::fork();
  if (pid < 0) return;  // cannot probe: load directly, as without probing
  if (pid == 0) {
    try {
      boost::dll::shared_library lib;
      boost::dll::fs::error_code ec;
      lib.load(file, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec);
      if (!ec && lib.has("spbench_plugin")) (void)lib.get_alias<const PluginList*()>("spbench_plugin")();
    } catch (...) {
    }
    ::_exit(0);  // no destructors, no atexit handlers of the parent's libraries
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFSIGNALED(status))
    throw PluginError(file.string(), fmt::format("the library crashed while loading (signal {}: {}); it was not loaded",
                                                 WTERMSIG(status), strsignal(WTERMSIG(status))));
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    throw PluginError(file.string(),
                      fmt::format("the library exited the process while loading (status {}); it was not loaded",
                                  WEXITSTATUS(status)));
}

}  // namespace

std::vector<const PluginInfo*> PluginRegistry::load_library(const fs::path& file) {
  const std::string source = file.string();
  if (!fs::is_regular_file(file)) throw PluginError(source, "no such plugin library");
  // The same file reached twice (a folder both in SPBENCH_PLUGIN_PATH and a
  // spec's plugin_paths, a symbolic link) is one library, not a duplicate.
  std::error_code ec_canonical;
  const fs::path canonical = fs::weakly_canonical(file, ec_canonical);
  std::vector<const PluginInfo*> already;
  for (const auto& e : entries_)
    if (!e->canonical.empty() && e->canonical == canonical) already.push_back(&e->info);
  if (!already.empty()) return already;
  if (probe_) probe_in_child(file);
  auto library = std::make_shared<boost::dll::shared_library>();
  boost::dll::fs::error_code ec;
  library->load(file, boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now, ec);
  if (ec) throw PluginError(source, fmt::format("cannot load the library: {}", ec.message()));
  if (!library->has("spbench_plugin"))
    throw PluginError(source, "not an spbench plugin: it exports no 'spbench_plugin' entry point");
  const PluginList* list = nullptr;
  try {
    list = library->get_alias<const PluginList*()>("spbench_plugin")();
  } catch (const std::exception& e) {
    throw PluginError(source, fmt::format("its entry point failed: {}", e.what()));
  }
  // The list's leading fields are a descriptor's: an API-1 library (which
  // returned one descriptor) is refused by its API version here.
  if (list == nullptr) throw PluginError(source, "the entry point 'spbench_plugin' returned no plugin list");
  if (list->magic != kPluginMagic)
    throw PluginError(source, "the entry point 'spbench_plugin' does not return an spbench plugin list");
  if (list->api_version != kPluginApiVersion)
    throw PluginError(source, fmt::format("built for plugin API version {}, but this spbench needs API version {}; "
                                          "rebuild the plugin against the installed spbench headers",
                                          list->api_version, kPluginApiVersion));
  if (list->count == 0 || list->descriptors == nullptr)
    throw PluginError(source, "the library registers no plugin (no SPBENCH_SAMPLER/STRATEGY/VARIANT line)");
  // All or nothing: every descriptor is checked (and checked against the
  // others) before any is registered.
  std::vector<PluginInfo> infos;
  for (std::size_t i = 0; i < list->count; ++i) {
    PluginInfo info = check_descriptor(list->descriptors[i], source);
    if (const PluginInfo* existing = find(info.name))
      throw PluginError(source, fmt::format("duplicate plugin name '{}': a {} of that name is already loaded from {}",
                                            info.name, plugin_kind_name(existing->kind), existing->source));
    for (const auto& other : infos)
      if (other.name == info.name)
        throw PluginError(source, fmt::format("duplicate plugin name '{}': the library registers it twice", info.name));
    infos.push_back(std::move(info));
  }
  std::vector<const PluginInfo*> out;
  for (std::size_t i = 0; i < infos.size(); ++i) {
    auto entry = std::make_unique<Entry>();
    entry->info = std::move(infos[i]);
    entry->descriptor = list->descriptors[i];
    entry->library = std::make_shared<const PluginOrigin>(
        PluginOrigin{entry->info.kind, entry->info.name, entry->info.version, source, library});
    entry->canonical = canonical;
    entries_.push_back(std::move(entry));
    out.push_back(&entries_.back()->info);
  }
  return out;
}

std::vector<PluginError> PluginRegistry::load_directory(const fs::path& dir) {
  std::vector<PluginError> errors;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    errors.emplace_back(dir.string(), "plugin folder does not exist");
    return errors;
  }
  const std::string suffix = boost::dll::shared_library::suffix().string();
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file() && e.path().extension() == suffix) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    try {
      load_library(f);
    } catch (const PluginError& e) {
      errors.push_back(e);
    }
  }
  return errors;
}

const PluginInfo* PluginRegistry::find(const std::string& name) const {
  for (const auto& e : entries_)
    if (e->info.name == name) return &e->info;
  return nullptr;
}

const PluginInfo* PluginRegistry::find(PluginKind kind, const std::string& name) const {
  const PluginInfo* info = find(name);
  return info && info->kind == kind ? info : nullptr;
}

std::vector<const PluginInfo*> PluginRegistry::list(std::optional<PluginKind> kind) const {
  std::vector<const PluginInfo*> out;
  for (const auto& e : entries_)
    if (!kind || e->info.kind == *kind) out.push_back(&e->info);
  std::sort(out.begin(), out.end(), [](const PluginInfo* a, const PluginInfo* b) {
    return std::tie(a->kind, a->name) < std::tie(b->kind, b->name);
  });
  return out;
}

std::vector<std::string> PluginRegistry::names(PluginKind kind) const {
  std::vector<std::string> out;
  for (const auto* info : list(kind)) out.push_back(info->name);
  return out;
}

const PluginRegistry::Entry& PluginRegistry::entry(PluginKind kind, const std::string& name) const {
  for (const auto& e : entries_)
    if (e->info.kind == kind && e->info.name == name) return *e;
  throw std::invalid_argument(fmt::format("no {} plugin named '{}' is loaded", plugin_kind_name(kind), name));
}

namespace {
// The deleter of every object the registry returns: it holds the plugin's
// origin, whose library handle keeps the code of the object's virtual
// functions (and destructor) mapped while the object lives, and tells
// plugin_origin() who made the object.
struct PluginDeleter {
  std::shared_ptr<const PluginOrigin> origin;
  void operator()(PluginObject* p) const { delete p; }
};

template <typename T>
std::shared_ptr<T> keep_library_alive(T* object, std::shared_ptr<const PluginOrigin> origin) {
  return std::shared_ptr<T>(object, PluginDeleter{std::move(origin)});
}
}  // namespace

const PluginOrigin* plugin_origin(const std::shared_ptr<const PluginObject>& object) {
  const auto* deleter = std::get_deleter<PluginDeleter>(object);
  return deleter ? deleter->origin.get() : nullptr;
}

std::shared_ptr<PathSampler> PluginRegistry::make_sampler(const std::string& name, const Options& options) const {
  const Entry& e = entry(PluginKind::Sampler, name);
  const Options complete = e.info.complete_options(options);
  return keep_library_alive(e.descriptor->make_sampler(complete), e.library);
}

std::shared_ptr<SupernetStrategy> PluginRegistry::make_strategy(const std::string& name,
                                                                const Options& options) const {
  const Entry& e = entry(PluginKind::Strategy, name);
  const Options complete = e.info.complete_options(options);
  return keep_library_alive(e.descriptor->make_strategy(complete), e.library);
}

std::shared_ptr<TrainingVariant> PluginRegistry::make_variant(const std::string& name, const Options& options) const {
  const Entry& e = entry(PluginKind::Variant, name);
  const Options complete = e.info.complete_options(options);
  return keep_library_alive(e.descriptor->make_variant(complete), e.library);
}

PluginCatalog plugin_catalog(const PluginRegistry& registry) {
  return PluginCatalog{
      [&registry](PluginKind kind, const std::string& name) { return registry.find(kind, name); },
      [&registry](PluginKind kind) { return registry.names(kind); }};
}

std::vector<fs::path> default_plugin_directories() {
  std::vector<fs::path> dirs;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path dir = exe.parent_path().parent_path() / "lib" / "spbench" / "plugins";
    if (fs::is_directory(dir, ec)) dirs.push_back(dir);
  }
  if (const char* env = std::getenv("SPBENCH_PLUGIN_PATH"); env && *env) {
    std::string s(env);
    std::size_t start = 0;
    while (start <= s.size()) {
      auto colon = s.find(':', start);
      std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      if (!part.empty()) dirs.emplace_back(part);
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
  }
  return dirs;
}

}  // namespace spbench
