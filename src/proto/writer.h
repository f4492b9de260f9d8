// Writer: appends big-endian integers and raw bytes to a growing byte buffer.
//
// Integers are written byte by byte, most significant first, so the encoding does not
// depend on the host's byte order or struct layout. Never reads, never fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem::proto {

class Writer {
 public:
  void u8(std::uint8_t value) { bytes_.push_back(value); }
  void u16(std::uint16_t value) { put_be(value, 2); }
  void u32(std::uint32_t value) { put_be(value, 4); }
  void u64(std::uint64_t value) { put_be(value, 8); }
  void bytes(std::span<const std::uint8_t> data) { bytes_.insert(bytes_.end(), data.begin(), data.end()); }
  void text(std::string_view data);

  // Overwrites four bytes already written at `offset` (a length known only afterwards).
  void patch_u32(std::size_t offset, std::uint32_t value);

  std::size_t size() const { return bytes_.size(); }
  const std::vector<std::uint8_t>& data() const { return bytes_; }
  std::vector<std::uint8_t> take() { return std::move(bytes_); }

 private:
  void put_be(std::uint64_t value, int width);

  std::vector<std::uint8_t> bytes_;
};

}  // namespace tandem::proto
