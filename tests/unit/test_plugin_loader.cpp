// The plugin ABI and loader: what loads, what is refused and why, and how long
// a library stays loaded.

#include "catch.hpp"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <spbench/engine/model/supernet.hpp>
#include <spbench/engine/plugins/plugin_registry.hpp>
#include <torch/torch.h>
#include <string>

namespace fs = std::filesystem;
using namespace spbench;

namespace {

fs::path broken(const std::string& name) { return fs::path(SPBENCH_TEST_BROKEN_PLUGIN_DIR) / (name + ".so"); }

std::string refusal(PluginRegistry& registry, const fs::path& file) {
  try {
    registry.load_library(file);
  } catch (const PluginError& e) {
    CHECK(e.file() == file.string());
    // The message names the file first, then the reason.
    CHECK(std::string(e.what()).rfind(file.string() + ": ", 0) == 0);
    return e.reason();
  }
  FAIL("the library was not refused: " << file);
  return "";
}

std::string fmt_abi(int flag) { return "built with _GLIBCXX_USE_CXX11_ABI=" + std::to_string(flag); }

std::string run_and_capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) out += buf;
  ::pclose(pipe);
  return out;
}

}  // namespace

TEST_CASE("The bundled plugins are available statically linked, one of each kind at least") {
  PluginRegistry registry;
  REQUIRE(registry.find(PluginKind::Sampler, "uniform") != nullptr);
  REQUIRE(registry.find(PluginKind::Strategy, "one-shot") != nullptr);
  REQUIRE(registry.find(PluginKind::Variant, "grad-clip") != nullptr);
  CHECK(registry.find(PluginKind::Variant, "uniform") == nullptr);  // the kind matters
  CHECK(registry.find("uniform")->source == "(built in)");
}

TEST_CASE("Every bundled plugin library in the build's plugin folder loads") {
  PluginRegistry registry(false);
  auto errors = registry.load_directory(SPBENCH_TEST_PLUGIN_DIR);
  for (const auto& e : errors) UNSCOPED_INFO(e.what());
  CHECK(errors.empty());
  const PluginInfo* uniform = registry.find(PluginKind::Sampler, "uniform");
  REQUIRE(uniform != nullptr);
  CHECK(uniform->source.find("spbench-uniform") != std::string::npos);
  REQUIRE(uniform->option("paths_per_step") != nullptr);
  CHECK(uniform->option("paths_per_step")->type == OptionType::Int);
  CHECK(uniform->default_options().get_int("paths_per_step") == 1);
}

TEST_CASE("A library without the entry point is refused as not a plugin") {
  PluginRegistry registry(false);
  CHECK_THAT(refusal(registry, broken("no-entry-point")), Catch::Contains("not an spbench plugin"));
  CHECK(registry.list().empty());
}

TEST_CASE("A plugin built for another API version is refused, naming both versions") {
  PluginRegistry registry(false);
  const std::string reason = refusal(registry, broken("wrong-api-version"));
  CHECK_THAT(reason, Catch::Contains("built for plugin API version " + std::to_string(kPluginApiVersion + 1)));
  CHECK_THAT(reason, Catch::Contains("needs API version " + std::to_string(kPluginApiVersion)));
}

TEST_CASE("A plugin built against another LibTorch is refused") {
  PluginRegistry registry(false);
  CHECK_THAT(refusal(registry, broken("wrong-torch-version")), Catch::Contains("built against LibTorch 0.0.1"));
}

TEST_CASE("A plugin built with the other _GLIBCXX_USE_CXX11_ABI is refused, naming both flags") {
  PluginRegistry registry(false);
  const std::string reason = refusal(registry, broken("wrong-cxx-abi"));
  CHECK_THAT(reason, Catch::Contains(fmt_abi(SPBENCH_CXX11_ABI == 1 ? 0 : 1) + ", but this spbench uses " +
                                     std::to_string(SPBENCH_CXX11_ABI)));
}

TEST_CASE("A library built the API-1 way (one descriptor, no list) is refused by its API version") {
  PluginRegistry registry(false);
  CHECK_THAT(refusal(registry, broken("api-v1-library")), Catch::Contains("built for plugin API version 1,"));
}

TEST_CASE("A library that registers one name twice is refused as a whole") {
  PluginRegistry registry(false);
  CHECK_THAT(refusal(registry, broken("duplicate-in-library")),
             Catch::Contains("duplicate plugin name 'test-twice': the library registers it twice"));
  CHECK(registry.list().empty());
}

TEST_CASE("One library may hold a family of plugins of several kinds, from several sources") {
  PluginRegistry registry(false);
  const fs::path file = fs::path(SPBENCH_TEST_FAMILY_PLUGIN_DIR) / "family.so";
  const auto infos = registry.load_library(file);
  REQUIRE(infos.size() == 3);
  const PluginInfo* sampler = registry.find(PluginKind::Sampler, "test-family-sampler");
  const PluginInfo* strategy = registry.find(PluginKind::Strategy, "test-family-strategy");
  const PluginInfo* variant = registry.find(PluginKind::Variant, "test-family-variant");
  REQUIRE(sampler != nullptr);
  REQUIRE(strategy != nullptr);
  REQUIRE(variant != nullptr);
  CHECK(strategy->version == "0.2.0");
  REQUIRE(strategy->option("level") != nullptr);
  CHECK(strategy->default_options().get_int("level") == 3);
  CHECK(variant->source == file.string());
  // Loading it again returns the same three, registered once.
  CHECK(registry.load_library(file).size() == 3);
  CHECK(registry.list().size() == 3);
  // Objects of each kind are made, and know where they came from.
  auto v = registry.make_variant("test-family-variant", variant->default_options());
  const PluginOrigin* origin = plugin_origin(v);
  REQUIRE(origin != nullptr);
  CHECK(origin->name == "test-family-variant");
  CHECK(origin->version == "0.3.0");
  CHECK(origin->kind == PluginKind::Variant);
  CHECK(origin->library != nullptr);
  CHECK(registry.make_strategy("test-family-strategy", strategy->default_options())->partition(SearchSpace()).size() ==
        1);
}

TEST_CASE("A built-in plugin's objects know their origin; objects made otherwise have none") {
  PluginRegistry registry;
  auto s = registry.make_sampler("uniform", registry.find("uniform")->default_options());
  const PluginOrigin* origin = plugin_origin(s);
  REQUIRE(origin != nullptr);
  CHECK(origin->name == "uniform");
  CHECK(origin->source == "(built in)");
  CHECK(origin->library == nullptr);
  struct Own final : TrainingVariant {};
  CHECK(plugin_origin(std::make_shared<Own>()) == nullptr);
}

TEST_CASE("A plugin of an unknown kind is refused") {
  PluginRegistry registry(false);
  CHECK_THAT(refusal(registry, broken("unknown-kind")), Catch::Contains("unknown plugin kind 7"));
}

TEST_CASE("A second plugin with a name already registered is refused as a duplicate") {
  PluginRegistry registry;  // the static `uniform` is already there
  const std::string reason = refusal(registry, broken("duplicate-uniform"));
  CHECK_THAT(reason, Catch::Contains("duplicate plugin name 'uniform'"));
  CHECK_THAT(reason, Catch::Contains("(built in)"));
  CHECK(registry.find("uniform")->version == "1.0.0");  // the original stays
}

TEST_CASE("Scanning a folder reports every refused library and keeps going") {
  PluginRegistry registry;
  auto errors = registry.load_directory(SPBENCH_TEST_BROKEN_PLUGIN_DIR);
  CHECK(errors.size() == 9);
  CHECK(registry.find("test-wrong-api") == nullptr);
  auto missing = registry.load_directory(fs::path(SPBENCH_TEST_BROKEN_PLUGIN_DIR) / "no-such-folder");
  REQUIRE(missing.size() == 1);
  CHECK_THAT(missing[0].reason(), Catch::Contains("does not exist"));
}

TEST_CASE("An object created by a plugin library keeps the library loaded after the registry is gone") {
  std::shared_ptr<PathSampler> sampler;
  {
    PluginRegistry registry(false);
    registry.load_library(fs::path(SPBENCH_TEST_EXTRA_PLUGIN_DIR) / "fixed-sampler.so");
    Options options;
    options.set("code", std::int64_t{1462});
    sampler = registry.make_sampler("test-fixed", options);
  }
  sampler->begin(SearchSpace(), 3);
  Rng rng(0);
  auto paths = sampler->next_step(rng);  // a virtual call into the library
  REQUIRE(paths.size() == 1);
  REQUIRE(paths[0].cells.size() == 3);
  CHECK(paths[0].cells[2] == CellArch::from_code(1462));
}

TEST_CASE("Modules a strategy library makes keep the library after the strategy and the registry are gone") {
  std::weak_ptr<const void> library;
  std::shared_ptr<torch::nn::Module> module;
  {
    model::Supernet net{nullptr};
    {
      PluginRegistry registry(false);
      registry.load_library(fs::path(SPBENCH_TEST_PLUGIN_DIR) / "spbench-linear-transformers.so");
      auto strategy = registry.make_strategy("linear-transformers",
                                             registry.find("linear-transformers")->default_options());
      library = plugin_origin(strategy)->library;
      net = model::Supernet(model::SupernetOptions().channels(4).cells_per_stage(1).operation_factory(
          model::operation_factory_of(strategy)));
    }
    // The network's options still hold the strategy (its factory); the
    // module alone must hold the library too.
    auto modules = net->named_modules();
    REQUIRE(modules.contains("cell0.e0_skip_connect"));
    module = modules["cell0.e0_skip_connect"];
    CHECK(module->name() == "LinearTransform");
  }
  CHECK_FALSE(library.expired());  // only the module is left
  auto* op = dynamic_cast<model::CandidateOp*>(module.get());
  REQUIRE(op != nullptr);
  CHECK(op->forward(torch::ones({1, 4, 2, 2})).sizes() == torch::IntArrayRef({1, 4, 2, 2}));  // its code is mapped
  module.reset();
  CHECK(library.expired());
}

TEST_CASE("A plugin factory's option error reaches the caller") {
  PluginRegistry registry(false);
  registry.load_library(fs::path(SPBENCH_TEST_EXTRA_PLUGIN_DIR) / "fixed-sampler.so");
  Options options;
  options.set("code", std::int64_t{-1});
  try {
    registry.make_sampler("test-fixed", options);
    FAIL("no error");
  } catch (const OptionError& e) {
    CHECK(e.option() == "code");
  }
  CHECK_THROWS_WITH(registry.make_sampler("nope", options), Catch::Contains("no sampler plugin named 'nope'"));
}

TEST_CASE("SPBENCH_PLUGIN_PATH adds folders that spbench plugins lists") {
  const std::string cmd = std::string("SPBENCH_PLUGIN_PATH='") + SPBENCH_TEST_EXTRA_PLUGIN_DIR + "' '" +
                          SPBENCH_TEST_EXE + "' plugins --kind sampler 2>&1";
  const std::string out = run_and_capture(cmd);
  CHECK_THAT(out, Catch::Contains("test-fixed"));
  CHECK_THAT(out, Catch::Contains("uniform"));
  CHECK_THAT(out, Catch::Contains("paths_per_step"));
  CHECK_THAT(out, !Catch::Contains("one-shot"));  // --kind filters
}

TEST_CASE("A library that crashes while loading is refused and the process survives") {
  PluginRegistry registry(false);
  const std::string reason = refusal(registry, broken("crash-on-load"));
  CHECK_THAT(reason, Catch::Contains("crashed while loading (signal 11"));
  CHECK(registry.list().empty());
}

TEST_CASE("Loading the same library twice, even through another path, registers it once") {
  PluginRegistry registry(false);
  const fs::path file = fs::path(SPBENCH_TEST_EXTRA_PLUGIN_DIR) / "fixed-sampler.so";
  registry.load_library(file);
  registry.load_library(fs::path(SPBENCH_TEST_EXTRA_PLUGIN_DIR) / ".." / "extra-plugins" / "fixed-sampler.so");
  CHECK(registry.load_directory(SPBENCH_TEST_EXTRA_PLUGIN_DIR).empty());
  CHECK(registry.list().size() == 1);
}
