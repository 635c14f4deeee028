#pragma once
// Values that are not tensors (text, lists of integers) kept in a checkpoint
// archive as tensors, for the trainer and for plugins' save_state/load_state.
// A checkpoint is loaded onto the training device, so a value read back may
// live on a GPU: these readers copy it to the host before touching its bytes
// (reading a CUDA tensor's data pointer on the CPU crashes).

#include <ATen/ATen.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace spbench {

// Bytes of `s` as a 1-D uint8 tensor on the CPU.
inline at::Tensor string_tensor(const std::string& s) {
  at::Tensor t = at::empty({static_cast<std::int64_t>(s.size())}, at::kByte);
  if (!s.empty()) std::memcpy(t.data_ptr<std::uint8_t>(), s.data(), s.size());
  return t;
}

// The text string_tensor stored, from a tensor on any device.
inline std::string tensor_string(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU).contiguous();
  return std::string(reinterpret_cast<const char*>(c.data_ptr<std::uint8_t>()), static_cast<std::size_t>(c.numel()));
}

// The elements of an integer tensor on any device.
inline std::vector<std::int64_t> tensor_int64s(const at::Tensor& t) {
  const at::Tensor c = t.to(at::kCPU, at::kLong).contiguous();
  const std::int64_t* p = c.data_ptr<std::int64_t>();
  return std::vector<std::int64_t>(p, p + c.numel());
}

}  // namespace spbench
