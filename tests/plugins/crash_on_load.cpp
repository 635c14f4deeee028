// A library whose initialisation crashes: the loader must survive it.
#include <csignal>

namespace {
struct CrashOnLoad {
  CrashOnLoad() { std::raise(SIGSEGV); }
};
const CrashOnLoad crash;
}  // namespace
