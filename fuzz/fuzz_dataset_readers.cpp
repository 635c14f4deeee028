// Data set files: the input is written to a file and read as a CIFAR-10 and
// a CIFAR-100 batch and as an IDX file, plain and gzip-compressed (the
// gzipped copy is what a half-downloaded .gz looks like once truncated).
// Every reader must return data or throw DataError.
#include <zlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "spbench/engine/data/error.hpp"
#include "spbench/engine/data/readers.hpp"

namespace {

namespace fs = std::filesystem;
using spbench::data::DataError;

const fs::path& folder() {
  static const fs::path dir = [] {
    auto d = fs::temp_directory_path() / ("spbench-fuzz-data-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
  }();
  return dir;
}

void write_plain(const fs::path& file, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

void write_gzip(const fs::path& file, const std::uint8_t* data, std::size_t size) {
  gzFile gz = gzopen(file.c_str(), "wb1");
  if (!gz) std::abort();
  if (size > 0) gzwrite(gz, data, static_cast<unsigned>(size));
  gzclose(gz);
}

template <typename Read>
void expect_data_or_error(Read read) {
  try {
    read();
  } catch (const DataError&) {
  }
}

void read_all(const fs::path& file) {
  const fs::path dir = file.parent_path();
  const std::string name = file.filename().string();
  expect_data_or_error([&] { (void)spbench::data::read_cifar10(dir, {name}); });
  expect_data_or_error([&] { (void)spbench::data::read_cifar100(dir, {name}); });
  expect_data_or_error([&] { (void)spbench::data::read_idx(file); });
  expect_data_or_error([&] { (void)spbench::data::read_idx_dataset(file, file, 10, "fuzz"); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const fs::path plain = folder() / "input.bin";
  write_plain(plain, data, size);
  read_all(plain);
  const fs::path gz = folder() / "input.gz";
  write_gzip(gz, data, size);
  read_all(gz);
  // The compressed copy cut short: readers must say "truncated", not crash.
  if (size > 0) {
    const auto full = fs::file_size(gz);
    fs::resize_file(gz, full - 1 - (data[0] % full));
    read_all(gz);
  }
  return 0;
}
