#pragma once
// Exclusive advisory locks (flock) on files: the results folder's
// .matrix.lock and each cell's .cell.lock.

#include <chrono>
#include <filesystem>
#include <optional>

namespace spbench::matrix {

// An exclusive flock on a file (created when missing). Released when the
// object is destroyed, or when every process holding the descriptor is
// gone: a child that inherits it (see start_cell) keeps the lock while it
// lives, so a rerun can never start a cell whose previous run is still dying.
class FileLock {
 public:
  // Tries for up to `wait`; std::nullopt when someone else still holds it.
  static std::optional<FileLock> acquire(const std::filesystem::path& file,
                                         std::chrono::milliseconds wait = std::chrono::milliseconds(0));
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();
  int fd() const { return fd_; }

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace spbench::matrix
