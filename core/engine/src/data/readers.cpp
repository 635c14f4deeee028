#include "spbench/engine/data/readers.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <fmt/ranges.h>  // fmt::join (in ranges.h since fmt 11)
#include <zlib.h>

#include <array>
#include <cstring>
#include <fstream>
#include <limits>

#include "spbench/engine/data/error.hpp"

namespace spbench::data {
namespace {

constexpr const char* kWhereToLook = "set --data-root or SPBENCH_DATA_ROOT";
constexpr std::int64_t kCifarPixels = 3 * 32 * 32;
constexpr std::int64_t kCifarStandardRecords = 10000;

void require_regular_file(const std::filesystem::path& file, const std::string& what) {
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (!std::filesystem::exists(status))
    throw DataError(file, fmt::format("no such file (expected {}; {})", what, kWhereToLook));
  if (!std::filesystem::is_regular_file(status))
    throw DataError(file, fmt::format("not a regular file (expected {})", what));
}

std::vector<std::uint8_t> read_plain(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataError(file, "cannot open for reading");
  in.seekg(0, std::ios::end);
  const auto size = static_cast<std::size_t>(in.tellg());
  in.seekg(0, std::ios::beg);
  std::vector<std::uint8_t> bytes(size);
  if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    throw DataError(file, fmt::format("read error after {} of {} bytes", in.gcount(), size));
  return bytes;
}

std::vector<std::uint8_t> read_gzip(const std::filesystem::path& file) {
  gzFile gz = gzopen(file.c_str(), "rb");
  if (!gz) throw DataError(file, "cannot open gzip file for reading");
  gzbuffer(gz, 1 << 18);
  std::vector<std::uint8_t> bytes;
  constexpr unsigned kChunk = 1u << 20;
  for (;;) {
    const std::size_t old = bytes.size();
    bytes.resize(old + kChunk);
    const int n = gzread(gz, bytes.data() + old, kChunk);
    if (n < 0) {
      int code = 0;
      const std::string why = gzerror(gz, &code);
      gzclose_r(gz);
      throw DataError(file, fmt::format("corrupt or truncated gzip data after {} decompressed bytes "
                                        "(zlib: {}); expected a complete gzip stream",
                                        old, why));
    }
    bytes.resize(old + static_cast<std::size_t>(n));
    if (n == 0) break;
  }
  // gzread may report a stream cut at a block boundary only here.
  const int rc = gzclose_r(gz);
  if (rc != Z_OK)
    throw DataError(file, fmt::format("truncated gzip stream ({} bytes decompressed before the end); "
                                      "expected a complete gzip stream",
                                      bytes.size()));
  return bytes;
}

// Record-based CIFAR files: label bytes then 3072 pixels per image.
ImageDataset read_cifar(const std::filesystem::path& dir, const std::vector<std::string>& files,
                        int label_bytes, int num_classes, const std::string& format,
                        std::string name) {
  const std::int64_t record = label_bytes + kCifarPixels;
  std::vector<std::vector<std::uint8_t>> contents;
  std::int64_t total = 0;
  for (const auto& f : files) {
    const auto path = dir / f;
    require_regular_file(path, fmt::format("the {} binary file {}, {} records of {} bytes", format,
                                           f, kCifarStandardRecords, record));
    auto bytes = read_plain(path);
    const auto size = static_cast<std::int64_t>(bytes.size());
    if (size == 0 || size % record != 0) {
      const std::int64_t nearest = std::max<std::int64_t>(1, (size + record / 2) / record);
      throw DataError(path, fmt::format("size {} bytes is not a multiple of the {}-byte {} record "
                                        "(expected {} = {} records)",
                                        size, record, format, nearest * record, nearest));
    }
    const std::int64_t n = size / record;
    for (std::int64_t i = 0; i < n; ++i) {
      const int label = bytes[i * record + label_bytes - 1];
      if (label >= num_classes)
        throw DataError(path, fmt::format("record {} has label {}, expected 0-{} (is this a {} file?)",
                                          i, label, num_classes - 1, format));
    }
    total += n;
    contents.push_back(std::move(bytes));
  }
  ImageDataset data;
  data.name = std::move(name);
  data.num_classes = num_classes;
  data.images = at::empty({total, 3, 32, 32}, at::kByte);
  data.labels = at::empty({total}, at::kLong);
  auto* img = data.images.data_ptr<std::uint8_t>();
  auto* lab = data.labels.data_ptr<std::int64_t>();
  std::int64_t k = 0;
  for (const auto& bytes : contents) {
    const std::int64_t n = static_cast<std::int64_t>(bytes.size()) / record;
    for (std::int64_t i = 0; i < n; ++i, ++k) {
      const std::uint8_t* rec = bytes.data() + i * record;
      lab[k] = rec[label_bytes - 1];
      std::memcpy(img + k * kCifarPixels, rec + label_bytes, kCifarPixels);
    }
  }
  return data;
}

std::uint32_t big_endian_u32(const std::uint8_t* p) {
  return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
         std::uint32_t(p[3]);
}

std::filesystem::path find_idx(const std::filesystem::path& dir, const std::string& stem) {
  const auto plain = dir / stem;
  if (std::filesystem::exists(plain)) return plain;
  const auto gz = dir / (stem + ".gz");
  if (std::filesystem::exists(gz)) return gz;
  throw DataError(plain, fmt::format("no such file (expected the IDX file {} or {}.gz; {})", stem,
                                     stem, kWhereToLook));
}

// The bytes of a file and whether they were gunzipped.
struct FileBytes {
  std::vector<std::uint8_t> bytes;
  bool gzip = false;
};

FileBytes load_bytes(const std::filesystem::path& file, const std::string& what) {
  require_regular_file(file, what);
  std::array<unsigned char, 2> magic{};
  {
    std::ifstream in(file, std::ios::binary);
    in.read(reinterpret_cast<char*>(magic.data()), 2);
    if (in.gcount() < 2) return {read_plain(file), false};
  }
  if (magic[0] == 0x1f && magic[1] == 0x8b) return {read_gzip(file), true};
  return {read_plain(file), false};
}

}  // namespace

ImageDataset read_cifar10(const std::filesystem::path& dir, const std::vector<std::string>& files) {
  return read_cifar(dir, files, 1, 10, "CIFAR-10", "cifar10");
}

ImageDataset read_cifar100(const std::filesystem::path& dir, const std::vector<std::string>& files) {
  return read_cifar(dir, files, 2, 100, "CIFAR-100", "cifar100");
}

at::Tensor read_idx(const std::filesystem::path& file) {
  const auto loaded = load_bytes(file, "an IDX file (MNIST format)");
  const auto& bytes = loaded.bytes;
  const auto size = static_cast<std::int64_t>(bytes.size());
  if (size < 4 || bytes[0] != 0 || bytes[1] != 0 || bytes[2] != 0x08 || bytes[3] < 1 ||
      bytes[3] > 4) {
    std::string got;
    for (std::int64_t i = 0; i < std::min<std::int64_t>(size, 4); ++i)
      got += fmt::format("{}{:02x}", i ? " " : "", bytes[i]);
    throw DataError(file, fmt::format("bad IDX magic '{}' (expected 00 00 08 <1-4>: unsigned bytes "
                                      "with 1 to 4 dimensions)",
                                      got));
  }
  const int ndim = bytes[3];
  const std::int64_t header = 4 + 4 * ndim;
  if (size < header)
    throw DataError(file, fmt::format("size {} bytes is shorter than the {}-byte IDX header", size,
                                      header));
  std::vector<std::int64_t> dims;
  // Four dimensions below 2^32 each can multiply past int64, and LibTorch
  // refuses such a shape even when another dimension is 0: a corrupt header
  // is refused before anything is multiplied out of range.
  constexpr std::int64_t kTooLarge = std::numeric_limits<std::int64_t>::max() / 2;
  std::int64_t nonzero_product = 1;
  bool any_zero = false;
  bool too_large = false;
  for (int d = 0; d < ndim; ++d) {
    dims.push_back(big_endian_u32(bytes.data() + 4 + 4 * d));
    if (dims.back() == 0)
      any_zero = true;
    else if (nonzero_product > kTooLarge / dims.back())
      too_large = true;
    else
      nonzero_product *= dims.back();
  }
  if (too_large)
    throw DataError(file, fmt::format("the IDX header's dimensions {} are too large (their product "
                                      "exceeds 2^62); size {} bytes{}",
                                      fmt::join(dims, "x"), size, loaded.gzip ? " (decompressed)" : ""));
  const std::int64_t count = any_zero ? 0 : nonzero_product;
  if (size != header + count)
    throw DataError(file, fmt::format("size {} bytes{} does not match the IDX header: expected {} "
                                      "bytes for dimensions {}",
                                      size, loaded.gzip ? " (decompressed)" : "",
                                      header + count, fmt::join(dims, "x")));
  auto out = at::empty(dims, at::kByte);
  if (count > 0) std::memcpy(out.data_ptr<std::uint8_t>(), bytes.data() + header, count);
  return out;
}

ImageDataset read_idx_dataset(const std::filesystem::path& images_file,
                              const std::filesystem::path& labels_file, int num_classes,
                              std::string name) {
  at::Tensor images = read_idx(images_file);
  if (images.dim() != 3)
    throw DataError(images_file, fmt::format("IDX image file has {} dimensions, expected 3 "
                                             "(count, rows, columns)",
                                             images.dim()));
  at::Tensor labels = read_idx(labels_file);
  if (labels.dim() != 1)
    throw DataError(labels_file, fmt::format("IDX label file has {} dimensions, expected 1",
                                             labels.dim()));
  if (labels.size(0) != images.size(0))
    throw DataError(labels_file, fmt::format("{} labels, expected {} to match the images in {}",
                                             labels.size(0), images.size(0),
                                             images_file.filename().string()));
  const auto* lp = labels.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < labels.size(0); ++i)
    if (lp[i] >= num_classes)
      throw DataError(labels_file, fmt::format("label {} at position {}, expected 0-{}", lp[i], i,
                                               num_classes - 1));
  ImageDataset data;
  data.name = std::move(name);
  data.num_classes = num_classes;
  data.images = images.unsqueeze(1).contiguous();
  data.labels = labels.to(at::kLong);
  return data;
}

ImageDataset read_mnist_folder(const std::filesystem::path& dir, const std::string& part,
                               std::string name) {
  // Looked up one after the other so that a missing image file is reported first.
  const auto images = find_idx(dir, part + "-images-idx3-ubyte");
  const auto labels = find_idx(dir, part + "-labels-idx1-ubyte");
  return read_idx_dataset(images, labels, 10, std::move(name));
}

}  // namespace spbench::data
