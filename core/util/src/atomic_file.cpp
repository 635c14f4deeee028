#include "spbench/util/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "spbench/util/fault_injection.hpp"

namespace spbench {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& path, const char* what) {
  throw std::runtime_error(fmt::format("{}: cannot {}: {}", path.string(), what, std::strerror(errno)));
}

void fsync_path(const fs::path& path, bool directory) {
  int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) fail(path, "open for sync");
  // Some file systems refuse fsync on folders (EINVAL); the rename is still atomic there.
  if (::fsync(fd) != 0 && !(directory && errno == EINVAL)) {
    ::close(fd);
    fail(path, "sync");
  }
  ::close(fd);
}

fs::path temporary_for(const fs::path& path) {
  return path.parent_path() / fmt::format(".{}.tmp-{}", path.filename().string(), ::getpid());
}

void commit(const fs::path& tmp, const fs::path& path) {
  fault_point("atomic-write");  // SPBENCH_FAULT: a kill with the temporary complete, not yet renamed
  fsync_path(tmp, false);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int saved = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    errno = saved;
    fail(path, "replace");
  }
  fsync_path(path.parent_path().empty() ? fs::path(".") : path.parent_path(), true);
  // Repeated interrupted writes of this file (a table rebuilt after a kill)
  // leave no stray temporaries.
  remove_stale_temporaries(path.parent_path().empty() ? fs::path(".") : path.parent_path(),
                           path.filename().string());
}

}  // namespace

void remove_stale_temporaries(const fs::path& dir, const std::string& target) {
  // Temporaries are ".NAME.tmp-PID" (temporary_for above).
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto mark = name.rfind(".tmp-");
    if (name.empty() || name[0] != '.' || mark == std::string::npos) continue;
    if (!target.empty() && name.compare(0, mark, "." + target) != 0) continue;
    const std::string pid_text = name.substr(mark + 5);
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
    const long pid = std::strtol(pid_text.c_str(), nullptr, 10);
    if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      fs::remove(it->path(), ignored);
    }
  }
}

void write_file_atomic(const fs::path& path, std::string_view content) {
  const fs::path tmp = temporary_for(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) fail(tmp, "create");
  const char* p = content.data();
  std::size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      errno = saved;
      fail(tmp, "write");  // disk full lands here: the old file stays intact
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    fail(tmp, "close");
  }
  commit(tmp, path);
}

}  // namespace spbench
