// Inputs the fuzz targets (fuzz/, scripts/fuzz) found to crash or to trip a
// sanitizer, fed to the same functions: each must now give a clear error.
// The inputs are also kept in fuzz/corpus/<target>/regression-* so every
// fuzz run starts from them.

#include <ATen/ATen.h>
#include "catch.hpp"

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "spbench/engine/data/error.hpp"
#include "spbench/engine/data/readers.hpp"
#include "spbench/util/yaml/loader.hpp"
#include "test_paths.hpp"

namespace fs = std::filesystem;
using Catch::Contains;

namespace {

fs::path write_bytes(const fs::path& file, const std::vector<std::uint8_t>& bytes) {
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return file;
}

std::string data_error(const std::function<void()>& read) {
  try {
    read();
  } catch (const spbench::data::DataError& e) {
    return e.what();
  }
  FAIL("no DataError");
  return "";
}

}  // namespace

TEST_CASE("fuzz_dataset_readers: IDX dimensions whose product overflows 64 bits are a clear error",
          "[fuzz][data]") {
  // fuzz/corpus/fuzz_dataset_readers/regression-idx-dims-overflow: 4 dimensions
  // 0x003b0000 x 0x01000000 x 0x01000000 x 0x02; multiplying them was signed
  // overflow (UBSan) before the size check.
  const std::vector<std::uint8_t> input = {0x00, 0x00, 0x08, 0x04, 0x00, 0x3b, 0x00, 0x00, 0x01,
                                           0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
                                           0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00};
  const fs::path file = write_bytes(spbench::test::scratch_dir("fuzz-idx-overflow") / "input.bin", input);
  const std::string message = data_error([&] { (void)spbench::data::read_idx(file); });
  CHECK_THAT(message, Contains("input.bin") && Contains("are too large"));
  // fuzz/corpus/fuzz_dataset_readers/regression-idx-dims-overflow-with-zero: the
  // same with a last dimension of 0, so the element count is 0 and the size
  // matched; LibTorch then threw a c10::Error (not a DataError) from at::empty
  // because the other dimensions overflow, which ended the process.
  const fs::path zero = write_bytes(file.parent_path() / "zero.bin",
                                    {0x00, 0x00, 0x08, 0x04, 0x00, 0x27, 0x00, 0x00, 0x01, 0x00,
                                     0x00, 0x01, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00});
  CHECK_THAT(data_error([&] { (void)spbench::data::read_idx(zero); }),
             Contains("zero.bin") && Contains("are too large"));
  // A zero dimension with sane others is an empty tensor, as before.
  const fs::path empty = write_bytes(file.parent_path() / "empty.bin",
                                     {0x00, 0x00, 0x08, 0x03, 0, 0, 0, 0, 0, 0, 0, 28, 0, 0, 0, 28});
  CHECK(spbench::data::read_idx(empty).sizes() == at::IntArrayRef({0, 28, 28}));
  // Dimensions that merely do not fit the size keep their exact message.
  const fs::path small = write_bytes(file.parent_path() / "small.bin",
                                     {0x00, 0x00, 0x08, 0x02, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3});
  CHECK_THAT(data_error([&] { (void)spbench::data::read_idx(small); }),
             Contains("expected 18 bytes for dimensions 2x3"));
}

namespace {

std::string load_diagnostics(const std::string& text) {
  const spbench::LoadedSpec loaded = spbench::load_spec_text(text, "fuzz.yaml", spbench::test::scratch_dir("fuzz-spec"));
  return spbench::format(loaded.diagnostics);
}

}  // namespace

TEST_CASE("fuzz_spec: a YAML alias that refers to itself is an error, not endless recursion", "[fuzz][spec]") {
  // fuzz/corpus/fuzz_spec/regression-alias-self-reference*.yaml: converting
  // the YAML graph to a spec tree recursed until the stack overflowed (ASan).
  CHECK_THAT(load_diagnostics("a: &x [*x]\n"), Contains("fuzz.yaml:1") && Contains("nested more than 100 levels"));
  CHECK_THAT(load_diagnostics("a: &x [*x, *x]\nname: t\n"), Contains("fuzz.yaml:1"));
}

TEST_CASE("fuzz_spec: aliases that expand to billions of values are an error, not a hang", "[fuzz][spec]") {
  // fuzz/corpus/fuzz_spec/regression-alias-expansion.yaml: 12 levels of 9
  // aliases each (9^12 values) ran past the fuzzer's timeout.
  std::string text = "a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
  for (int i = 1; i < 12; ++i) {
    const std::string prev = "*a" + std::to_string(i - 1);
    text += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [" + prev;
    for (int k = 1; k < 9; ++k) text += ", " + prev;
    text += "]\n";
  }
  CHECK_THAT(load_diagnostics(text), Contains("more than 100000 values once aliases are expanded"));
  // An ordinary long list (every architecture index) is fine.
  std::string list = "evaluation: {architectures: {list: [0";
  for (int i = 1; i < 15625; ++i) list += ", " + std::to_string(i);
  list += "]}}\n";
  CHECK_THAT(load_diagnostics(list), !Contains("aliases"));
}
