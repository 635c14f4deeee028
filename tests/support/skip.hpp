#pragma once
// Skipping a test case whose requirement (root, a tool) is missing, so that
// CTest reports it as "Skipped" instead of a silent pass.
//
// Catch2 2.x has no SKIP (3.x has it only from 3.3), so the case prints a
// marker line and returns; CTest's SKIP_REGULAR_EXPRESSION turns the marker
// into "Skipped". That property covers the whole CTest test, so a case that
// may skip runs alone: it carries a [needs-<what>] tag, which
// tests/CMakeLists.txt turns into a CTest test of its own
// (<file>:needs-<what>) and leaves out of the file's main test. Skip before
// the first check, never after one: a failed check would be hidden.

#include <iostream>
#include <string>

// Must stay equal to the SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt.
#define SPBENCH_TEST_SKIP_MARKER "SPBENCH-TEST-SKIPPED:"

// Ends the current test case as skipped, with the reason on its own line.
#define SPBENCH_SKIP(reason)                                                                      \
  do {                                                                                            \
    std::cout << "\n" SPBENCH_TEST_SKIP_MARKER " " << std::string(reason) << std::endl;           \
    return;                                                                                       \
  } while (false)
