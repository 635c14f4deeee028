#pragma once
// Private to the study: where its messages go.

#include <cstdio>
#include <functional>
#include <string>

namespace spbench::evaluation {

using Sink = std::function<void(const std::string&)>;

// One line to `sink`, or to stderr without one.
inline void say(const Sink& sink, const std::string& line) {
  if (sink) sink(line); else std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace spbench::evaluation
