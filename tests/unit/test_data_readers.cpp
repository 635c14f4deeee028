// Readers for CIFAR binary and IDX files, their error messages, and data paths.

#include <ATen/ATen.h>
#include "catch.hpp"

#include <cstdlib>
#include <functional>
#include <fstream>
#include <optional>

#include "spbench/engine/data/error.hpp"
#include "spbench/engine/data/paths.hpp"
#include "spbench/engine/data/readers.hpp"
#include "spbench/engine/data/writers.hpp"
#include "test_paths.hpp"

using namespace spbench::data;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kTrainBatches = {"data_batch_1.bin", "data_batch_2.bin",
                                                "data_batch_3.bin", "data_batch_4.bin",
                                                "data_batch_5.bin"};

// Small data set with pixels that encode their position: any misplaced byte shows.
ImageDataset synthetic_cifar(std::int64_t n, int num_classes) {
  ImageDataset d;
  d.name = "synthetic";
  d.num_classes = num_classes;
  d.images = at::arange(n * 3 * 32 * 32, at::kLong).remainder(251).to(at::kByte).view({n, 3, 32, 32});
  d.labels = at::arange(n, at::kLong).remainder(num_classes);
  return d;
}

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const DataError& e) {
    return e.what();
  }
  FAIL("expected a DataError");
  return {};
}

void copy_prefix(const fs::path& from, const fs::path& to, std::uintmax_t bytes) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
  fs::resize_file(to, bytes);
}

// Sets an environment variable for one scope and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) setenv(name, value, 1); else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1); else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("The CIFAR-10 training batches hold 50,000 images, 5,000 of each class, with the usual channel means") {
  const auto data = read_cifar10(spbench::test::data_root() / "cifar10", kTrainBatches);
  REQUIRE(data.images.sizes() == at::IntArrayRef({50000, 3, 32, 32}));
  REQUIRE(data.images.scalar_type() == at::kByte);
  REQUIRE(data.images.is_contiguous());
  REQUIRE(data.labels.sizes() == at::IntArrayRef({50000}));
  REQUIRE(data.num_classes == 10);
  CHECK(class_counts(data) == std::vector<std::int64_t>(10, 5000));
  const auto stats = channel_stats(data);
  CHECK(stats.mean[0] == Approx(0.4913).margin(0.001));
  CHECK(stats.mean[1] == Approx(0.4821).margin(0.001));
  CHECK(stats.mean[2] == Approx(0.4465).margin(0.001));
  CHECK(stats.std[0] == Approx(0.245).margin(0.003));
}

TEST_CASE("The CIFAR-10 test batch holds 1,000 images of each class") {
  const auto data = read_cifar10(spbench::test::data_root() / "cifar10", {"test_batch.bin"});
  REQUIRE(data.size() == 10000);
  CHECK(class_counts(data) == std::vector<std::int64_t>(10, 1000));
}

TEST_CASE("A synthetic CIFAR-10 file reads back exactly, files concatenated in order") {
  const auto dir = spbench::test::scratch_dir("data_cifar10_roundtrip");
  const auto a = synthetic_cifar(7, 10), b = synthetic_cifar(3, 10);
  write_cifar(dir / "a.bin", a);
  write_cifar(dir / "b.bin", b);
  REQUIRE(fs::file_size(dir / "a.bin") == 7 * 3073);
  const auto data = read_cifar10(dir, {"a.bin", "b.bin"});
  REQUIRE(data.size() == 10);
  CHECK(at::equal(data.images, at::cat({a.images, b.images})));
  CHECK(at::equal(data.labels, at::cat({a.labels, b.labels})));
}

TEST_CASE("A synthetic CIFAR-100 file reads back its fine labels") {
  const auto dir = spbench::test::scratch_dir("data_cifar100_roundtrip");
  auto d = synthetic_cifar(120, 100);
  write_cifar(dir / "train.bin", d, /*label_bytes=*/2);
  // A non-zero coarse label must not leak into the label that is read.
  {
    std::fstream f(dir / "train.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put(static_cast<char>(19));
  }
  const auto data = read_cifar100(dir, {"train.bin"});
  REQUIRE(data.num_classes == 100);
  CHECK(at::equal(data.images, d.images));
  CHECK(at::equal(data.labels, d.labels));
  CHECK(data.labels.max().item<std::int64_t>() == 99);
}

TEST_CASE("A missing CIFAR-10 batch is reported with its name and where to set the data root") {
  const auto dir = spbench::test::scratch_dir("data_cifar10_missing");
  const auto msg = message_of([&] { read_cifar10(dir, {"data_batch_1.bin"}); });
  CHECK_THAT(msg, Contains((dir / "data_batch_1.bin").string()));
  CHECK_THAT(msg, Contains("no such file"));
  CHECK_THAT(msg, Contains("CIFAR-10"));
  CHECK_THAT(msg, Contains("SPBENCH_DATA_ROOT"));
}

TEST_CASE("A truncated CIFAR-10 batch is reported with the size it should have") {
  const auto dir = spbench::test::scratch_dir("data_cifar10_truncated");
  copy_prefix(spbench::test::data_root() / "cifar10" / "data_batch_3.bin", dir / "data_batch_3.bin",
              30729999);
  const auto msg = message_of([&] { read_cifar10(dir, {"data_batch_3.bin"}); });
  CHECK_THAT(msg, Contains("data_batch_3.bin"));
  CHECK_THAT(msg, Contains("30729999"));
  CHECK_THAT(msg, Contains("3073-byte"));
  CHECK_THAT(msg, Contains("expected 30730000"));
}

TEST_CASE("An empty CIFAR-10 file and one with a label above 9 are rejected") {
  const auto dir = spbench::test::scratch_dir("data_cifar10_bad");
  std::ofstream(dir / "empty.bin").close();
  CHECK_THAT(message_of([&] { read_cifar10(dir, {"empty.bin"}); }),
             Contains("empty.bin") && Contains("size 0 bytes") && Contains("expected 3073"));
  auto d = synthetic_cifar(4, 10);
  write_cifar(dir / "label.bin", d);
  {
    std::fstream f(dir / "label.bin", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2 * 3073);
    f.put(static_cast<char>(42));
  }
  CHECK_THAT(message_of([&] { read_cifar10(dir, {"label.bin"}); }),
             Contains("label.bin") && Contains("record 2 has label 42") && Contains("expected 0-9"));
}

TEST_CASE("IDX files read back exactly, plain or gzip, recognised by content not by name") {
  const auto dir = spbench::test::scratch_dir("data_idx_roundtrip");
  const auto images = at::arange(5 * 28 * 28, at::kLong).remainder(256).to(at::kByte).view({5, 28, 28});
  const auto labels = at::tensor(std::vector<std::uint8_t>{3, 1, 4, 1, 5});
  // Deliberately misleading names: a gzip file without ".gz", a plain one with it.
  write_idx(dir / "images-gzip", images, /*gzip=*/true);
  write_idx(dir / "labels-plain.gz", labels, /*gzip=*/false);
  write_idx(dir / "images-plain", images, /*gzip=*/false);
  REQUIRE(fs::file_size(dir / "images-plain") == 16 + 5 * 28 * 28);
  CHECK(fs::file_size(dir / "images-gzip") < fs::file_size(dir / "images-plain"));
  CHECK(at::equal(read_idx(dir / "images-gzip"), images));
  CHECK(at::equal(read_idx(dir / "images-plain"), images));
  CHECK(at::equal(read_idx(dir / "labels-plain.gz"), labels));

  const auto data = read_idx_dataset(dir / "images-gzip", dir / "labels-plain.gz", 10, "tiny");
  CHECK(data.images.sizes() == at::IntArrayRef({5, 1, 28, 28}));
  CHECK(at::equal(data.images.squeeze(1), images));
  CHECK(at::equal(data.labels, labels.to(at::kLong)));
}

TEST_CASE("An MNIST-style folder is found with or without the .gz suffix") {
  const auto dir = spbench::test::scratch_dir("data_idx_folder");
  const auto images = at::full({4, 8, 8}, 7, at::kByte);
  write_idx(dir / "t10k-images-idx3-ubyte.gz", images, true);
  write_idx(dir / "t10k-labels-idx1-ubyte", at::zeros({4}, at::kByte), false);
  const auto data = read_mnist_folder(dir, "t10k", "mnist");
  CHECK(data.size() == 4);
  CHECK(data.num_classes == 10);
  const auto msg = message_of([&] { read_mnist_folder(dir, "train", "mnist"); });
  CHECK_THAT(msg, Contains("train-images-idx3-ubyte") && Contains("no such file") &&
                      Contains(".gz"));
}

TEST_CASE("A truncated gzip IDX file is reported as such") {
  const auto dir = spbench::test::scratch_dir("data_idx_truncated_gzip");
  const auto images = at::randint(0, 256, {50, 28, 28}, at::kByte);
  write_idx(dir / "full.gz", images, true);
  const auto size = fs::file_size(dir / "full.gz");
  copy_prefix(dir / "full.gz", dir / "half.gz", size / 2);
  copy_prefix(dir / "full.gz", dir / "no-trailer.gz", size - 4);
  for (const char* name : {"half.gz", "no-trailer.gz"}) {
    INFO(name);
    const auto msg = message_of([&] { read_idx(dir / name); });
    CHECK_THAT(msg, Contains(name) && Contains("truncated") && Contains("gzip"));
  }
}

TEST_CASE("An IDX file with a bad magic number is rejected with the magic it expected") {
  const auto dir = spbench::test::scratch_dir("data_idx_bad_magic");
  std::ofstream(dir / "bad", std::ios::binary) << "PK\x03\x04 not an idx file";
  const auto msg = message_of([&] { read_idx(dir / "bad"); });
  CHECK_THAT(msg, Contains("bad") && Contains("magic") && Contains("50 4b 03 04") &&
                      Contains("expected 00 00 08"));
}

TEST_CASE("An IDX file whose size disagrees with its header reports the expected size") {
  const auto dir = spbench::test::scratch_dir("data_idx_wrong_size");
  write_idx(dir / "images", at::zeros({10, 28, 28}, at::kByte), false);
  copy_prefix(dir / "images", dir / "short", 16 + 10 * 28 * 28 - 1);
  const auto msg = message_of([&] { read_idx(dir / "short"); });
  CHECK_THAT(msg, Contains("short") && Contains(std::to_string(16 + 10 * 28 * 28 - 1)) &&
                      Contains("expected " + std::to_string(16 + 10 * 28 * 28)) &&
                      Contains("10x28x28"));
}

TEST_CASE("IDX images and labels must agree in count and labels lie below the class count") {
  const auto dir = spbench::test::scratch_dir("data_idx_mismatch");
  write_idx(dir / "images", at::zeros({10, 4, 4}, at::kByte), true);
  write_idx(dir / "labels9", at::zeros({9}, at::kByte), true);
  write_idx(dir / "labels-big", at::full({10}, 12, at::kByte), true);
  CHECK_THAT(message_of([&] { read_idx_dataset(dir / "images", dir / "labels9", 10, "x"); }),
             Contains("labels9") && Contains("9 labels, expected 10"));
  CHECK_THAT(message_of([&] { read_idx_dataset(dir / "images", dir / "labels-big", 10, "x"); }),
             Contains("labels-big") && Contains("label 12") && Contains("expected 0-9"));
}

TEST_CASE("Fashion-MNIST from the Debian package reads 60,000 training and 10,000 test images") {
  const fs::path dir = "/usr/share/datasets/fashion-mnist";
  REQUIRE(fs::exists(dir / "train-images-idx3-ubyte.gz"));  // installed by the setup script
  const auto train = read_mnist_folder(dir, "train", "fashion-mnist");
  const auto test = read_mnist_folder(dir, "t10k", "fashion-mnist");
  CHECK(train.images.sizes() == at::IntArrayRef({60000, 1, 28, 28}));
  CHECK(test.images.sizes() == at::IntArrayRef({10000, 1, 28, 28}));
  CHECK(class_counts(train) == std::vector<std::int64_t>(10, 6000));
  CHECK(class_counts(test) == std::vector<std::int64_t>(10, 1000));
  CHECK(channel_stats(train).mean[0] == Approx(0.2860).margin(0.001));
}

TEST_CASE("The data root comes from the command line, else the environment, else ../shared/data") {
  {
    ScopedEnv env(kDataRootEnv, "/tmp/from-env");
    CHECK(resolve_data_root("/tmp/from-cli") == fs::path("/tmp/from-cli"));
    CHECK(resolve_data_root("") == fs::path("/tmp/from-env"));
  }
  {
    ScopedEnv env(kDataRootEnv, nullptr);
    // From a checkout's root, ../shared/data is the folder beside it; from
    // anywhere else (CTest runs in the build tree) the one beside the source.
    const fs::path beside_cwd = fs::current_path().parent_path() / "shared" / "data";
    const fs::path beside_source = fs::weakly_canonical(spbench::test::data_root());
    CHECK(fs::weakly_canonical(resolve_data_root()) == (fs::is_directory(beside_cwd) ? beside_cwd : beside_source));
  }
  CHECK(resolve_data_path("cifar10", "/data") == fs::path("/data/cifar10"));
  CHECK(resolve_data_path("/usr/share/datasets/fashion-mnist", "/data") ==
        fs::path("/usr/share/datasets/fashion-mnist"));
}
