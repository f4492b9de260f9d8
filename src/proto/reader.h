// Reader: bounded big-endian reads from a byte span.
//
// Every read checks the bytes remaining first and returns nullopt instead of reading past
// the end; a failed read consumes nothing. The Reader never owns or copies the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace tandem::proto {

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  std::optional<std::uint8_t> u8();
  std::optional<std::uint16_t> u16();
  std::optional<std::uint32_t> u32();
  std::optional<std::uint64_t> u64();
  // The next `count` bytes, as a view into the same buffer.
  std::optional<std::span<const std::uint8_t>> bytes(std::size_t count);

  std::size_t remaining() const { return bytes_.size() - position_; }
  std::size_t position() const { return position_; }
  bool at_end() const { return remaining() == 0; }

 private:
  std::optional<std::uint64_t> get_be(std::size_t width);

  std::span<const std::uint8_t> bytes_;
  std::size_t position_ = 0;
};

}  // namespace tandem::proto
