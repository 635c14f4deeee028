# spbench_add_plugin(<name> <source>...)
#
# Builds a plugin library named spbench-<name> into the plugin folder, with
# hidden visibility (only the `spbench_plugin` entry point is exported).
# In-tree (SPBENCH_IN_TREE) it also builds an object library <name>_static
# compiled with SPBENCH_PLUGIN_STATIC, which tests link so they need no .so.
function(spbench_add_plugin name)
  set(sources ${ARGN})
  if(NOT sources)
    message(FATAL_ERROR "spbench_add_plugin(${name}): no sources")
  endif()
  if(TARGET spbench::core)
    set(core spbench::core)
  else()
    set(core spbench_core)
  endif()
  add_library(${name} MODULE ${sources})
  target_link_libraries(${name} PRIVATE ${core})
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "spbench-${name}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(SPBENCH_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${SPBENCH_PLUGIN_OUTPUT_DIR})
  endif()
  if(SPBENCH_IN_TREE)
    add_library(${name}_static OBJECT ${sources})
    target_compile_definitions(${name}_static PRIVATE SPBENCH_PLUGIN_STATIC)
    target_link_libraries(${name}_static PUBLIC ${core})
    set_property(GLOBAL APPEND PROPERTY SPBENCH_STATIC_PLUGINS ${name}_static)
    set_property(GLOBAL APPEND PROPERTY SPBENCH_PLUGINS ${name})
  endif()
endfunction()
