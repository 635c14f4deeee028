#include "spbench/engine/data/writers.hpp"

#include <ATen/ATen.h>
#include <fmt/format.h>
#include <zlib.h>

#include <fstream>
#include <vector>

#include "spbench/engine/data/error.hpp"

namespace spbench::data {
namespace {

void write_bytes(const std::filesystem::path& file, const std::vector<std::uint8_t>& bytes,
                 bool gzip) {
  if (gzip) {
    gzFile gz = gzopen(file.c_str(), "wb");
    if (!gz) throw DataError(file, "cannot open for writing");
    const int n = bytes.empty() ? 0 : gzwrite(gz, bytes.data(), static_cast<unsigned>(bytes.size()));
    const int rc = gzclose_w(gz);
    if (n != static_cast<int>(bytes.size()) || rc != Z_OK)
      throw DataError(file, fmt::format("gzip write failed after {} of {} bytes", n, bytes.size()));
    return;
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw DataError(file, fmt::format("write failed ({} bytes)", bytes.size()));
}

}  // namespace

void write_cifar(const std::filesystem::path& file, const ImageDataset& data, int label_bytes) {
  TORCH_CHECK(label_bytes == 1 || label_bytes == 2, "write_cifar: label_bytes must be 1 or 2");
  TORCH_CHECK(data.images.dim() == 4 && data.images.size(1) == 3 && data.images.size(2) == 32 &&
                  data.images.size(3) == 32 && data.images.scalar_type() == at::kByte,
              "write_cifar: expected uint8 [N, 3, 32, 32] images");
  const auto images = data.images.contiguous();
  const auto labels = data.labels.to(at::kLong).contiguous();
  constexpr std::int64_t pixels = 3 * 32 * 32;
  const std::int64_t n = data.size(), record = label_bytes + pixels;
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(n * record), 0);
  const auto* px = images.data_ptr<std::uint8_t>();
  const auto* lab = labels.data_ptr<std::int64_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint8_t* rec = bytes.data() + i * record;
    rec[label_bytes - 1] = static_cast<std::uint8_t>(lab[i]);
    std::copy(px + i * pixels, px + (i + 1) * pixels, rec + label_bytes);
  }
  write_bytes(file, bytes, false);
}

void write_idx(const std::filesystem::path& file, const at::Tensor& tensor, bool gzip) {
  TORCH_CHECK(tensor.scalar_type() == at::kByte && tensor.dim() >= 1 && tensor.dim() <= 4,
              "write_idx: expected a uint8 tensor with 1 to 4 dimensions");
  const auto t = tensor.contiguous();
  std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(t.dim())};
  for (std::int64_t d : t.sizes())
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<std::uint8_t>((static_cast<std::uint32_t>(d) >> shift) & 0xff));
  const auto* p = t.data_ptr<std::uint8_t>();
  bytes.insert(bytes.end(), p, p + t.numel());
  write_bytes(file, bytes, gzip);
}

}  // namespace spbench::data
