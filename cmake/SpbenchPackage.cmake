# The installed CMake package: `find_package(spbench)` gives out-of-tree
# projects the imported targets spbench::sdk (what a plugin links) … spbench::study and spbench_add_plugin().
#
#   <prefix>/bin/spbench
#   <prefix>/lib/libspbench-{util,sdk,analysis,engine,study}.so
#   <prefix>/lib/spbench/plugins/spbench-<name>.so   (bundled plugins)
#   <prefix>/include/spbench/…
#   <prefix>/lib/cmake/spbench/{spbenchConfig,spbenchConfigVersion,spbenchTargets,SpbenchPlugin}.cmake
#   <prefix>/share/spbench/experiments/quickstart.yaml, study/profiles/*.yaml
#                                  (specs a plugin project includes or starts from)
include(CMakePackageConfigHelpers)

# The plugin API version lives in one place, the header the descriptor takes
# it from; the package reports the same number.
file(STRINGS ${PROJECT_SOURCE_DIR}/core/sdk/include/spbench/sdk/version.hpp spbench_version_lines
     REGEX "kPluginApiVersion = [0-9]+|kProjectVersion = \"")
string(REGEX MATCH "kPluginApiVersion = ([0-9]+)" _ "${spbench_version_lines}")
set(SPBENCH_PLUGIN_API_VERSION ${CMAKE_MATCH_1})
string(REGEX MATCH "kProjectVersion = \"([^\"]+)\"" _ "${spbench_version_lines}")
if(NOT SPBENCH_PLUGIN_API_VERSION OR NOT CMAKE_MATCH_1 STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "core/sdk/include/spbench/sdk/version.hpp (kProjectVersion \"${CMAKE_MATCH_1}\", "
                      "kPluginApiVersion ${SPBENCH_PLUGIN_API_VERSION}) does not agree with "
                      "project(spbench VERSION ${PROJECT_VERSION}): keep them in step")
endif()

set(SPBENCH_INSTALL_CMAKE_DIR lib/cmake/spbench)
set(SPBENCH_INSTALL_BIN_DIR bin)
set(SPBENCH_INSTALL_PLUGIN_DIR lib/spbench/plugins)
set(SPBENCH_INSTALL_EXPERIMENTS_DIR share/spbench/experiments)
# What a plugin project uses from experiments/ (a spec to start from, the
# study's profiles to include), so that it never reads the source tree.
install(FILES ${PROJECT_SOURCE_DIR}/experiments/quickstart.yaml DESTINATION ${SPBENCH_INSTALL_EXPERIMENTS_DIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/experiments/study/profiles
        DESTINATION ${SPBENCH_INSTALL_EXPERIMENTS_DIR}/study FILES_MATCHING PATTERN "*.yaml")
install(EXPORT spbenchTargets NAMESPACE spbench:: DESTINATION ${SPBENCH_INSTALL_CMAKE_DIR})
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/spbenchConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/spbenchConfig.cmake
  INSTALL_DESTINATION ${SPBENCH_INSTALL_CMAKE_DIR}
  PATH_VARS SPBENCH_INSTALL_BIN_DIR SPBENCH_INSTALL_PLUGIN_DIR SPBENCH_INSTALL_EXPERIMENTS_DIR)
# Binary compatibility of a plugin is decided at load time (API and LibTorch
# versions in its descriptor); this only says which installations a plugin
# project's sources may expect to compile against. Rationale: docs/plugin-abi.md.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/spbenchConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/spbenchConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/spbenchConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/SpbenchPlugin.cmake
  DESTINATION ${SPBENCH_INSTALL_CMAKE_DIR})
