# spbench_add_plugin(<name> [SOURCES] <source>...
#                    [STATIC_TARGET <target>]
#                    [OUTPUT_DIRECTORY <dir>]
#                    [NO_INSTALL])
#
# Builds the plugin library `spbench-<name>.so` (a MODULE: it is only ever
# loaded at run time) against spbench::sdk, with hidden visibility so that
# only the `spbench_plugin` entry point is exported (SPBENCH_PLUGIN_LIBRARY
# tells spbench/sdk/plugin.hpp to define it). One library may hold several
# plugins: one SPBENCH_SAMPLER/STRATEGY/VARIANT line each, in any of its
# sources. Linking spbench::sdk
# brings everything a plugin must be compiled with: the include path, LibTorch
# (and its -D_GLIBCXX_USE_CXX11_ABI flag, which must match the core's) and
# BOOST_DLL_USE_STD_FS. The plugin API version is not a build setting: the
# descriptor records kPluginApiVersion from the headers the plugin is compiled
# against, and the loader compares it with its own.
#
# The same function is used inside the spbench repository and, installed with
# the CMake package, by out-of-tree plugin projects after
# `find_package(spbench)`:
#
# - The library lands in OUTPUT_DIRECTORY, else SPBENCH_PLUGIN_OUTPUT_DIR, else
#   <build>/plugins. Keep that folder for plugins only: every .so in a folder
#   that spbench scans must be a valid plugin.
# - STATIC_TARGET <target> also builds the sources as an OBJECT library
#   compiled with SPBENCH_PLUGIN_STATIC: a test executable that links it has
#   the plugin registered at start-up, without loading any .so. (An OBJECT
#   library, not a static archive, so that the linker cannot drop the
#   registration object that nothing refers to.) In-tree every plugin gets
#   one, named <name>_static, which the test suite links.
# - Unless NO_INSTALL, `cmake --install` puts the library into
#   <prefix>/lib/spbench/plugins, the folder an installed `spbench` scans
#   next to its own bin/.
include_guard(GLOBAL)

function(spbench_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "STATIC_TARGET;OUTPUT_DIRECTORY" "SOURCES")
  set(sources ${arg_UNPARSED_ARGUMENTS} ${arg_SOURCES})
  if(NOT sources)
    message(FATAL_ERROR "spbench_add_plugin(${name}): no sources")
  endif()
  if(NOT TARGET spbench::sdk)
    message(FATAL_ERROR "spbench_add_plugin(${name}): no spbench::sdk target; call find_package(spbench REQUIRED) first")
  endif()

  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE spbench::sdk)
  # Makes spbench/sdk/plugin.hpp define the library's entry point, which returns
  # the descriptors of every SPBENCH_SAMPLER/STRATEGY/VARIANT line in the
  # library's sources.
  target_compile_definitions(${name} PRIVATE SPBENCH_PLUGIN_LIBRARY)
  if(arg_OUTPUT_DIRECTORY)
    set(output_dir ${arg_OUTPUT_DIRECTORY})
  elseif(SPBENCH_PLUGIN_OUTPUT_DIR)
    set(output_dir ${SPBENCH_PLUGIN_OUTPUT_DIR})
  else()
    set(output_dir ${CMAKE_BINARY_DIR}/plugins)
  endif()
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "spbench-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${output_dir}
    # Installed plugins sit in <prefix>/lib/spbench/plugins, libspbench-sdk.so
    # in <prefix>/lib. When spbench loads a plugin the core is already mapped,
    # but tools that open a plugin on their own (ldd, a test) need the path.
    INSTALL_RPATH "$ORIGIN/../.."
    # A LibTorch or spbench outside the system folders (a CUDA build, a
    # private prefix) stays findable from the installed plugin.
    INSTALL_RPATH_USE_LINK_PATH ON)

  set(static_target ${arg_STATIC_TARGET})
  if(SPBENCH_IN_TREE AND NOT static_target)
    set(static_target ${name}_static)
  endif()
  if(static_target)
    add_library(${static_target} OBJECT ${sources})
    target_compile_definitions(${static_target} PRIVATE SPBENCH_PLUGIN_STATIC)
    target_link_libraries(${static_target} PUBLIC spbench::sdk)
  endif()

  if(SPBENCH_IN_TREE)
    set_property(GLOBAL APPEND PROPERTY SPBENCH_STATIC_PLUGINS ${static_target})
    set_property(GLOBAL APPEND PROPERTY SPBENCH_PLUGINS ${name})
  endif()
  if(NOT arg_NO_INSTALL)
    # Relative to the prefix: the loader looks in <exe>/../lib/spbench/plugins.
    install(TARGETS ${name} LIBRARY DESTINATION lib/spbench/plugins)
  endif()
endfunction()
