#include "proto/reader.h"

namespace tandem::proto {

std::optional<std::uint64_t> Reader::get_be(std::size_t width) {
  if (remaining() < width) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < width; ++i) value = value << 8 | bytes_[position_ + i];
  position_ += width;
  return value;
}

std::optional<std::uint8_t> Reader::u8() {
  auto value = get_be(1);
  if (!value) return std::nullopt;
  return static_cast<std::uint8_t>(*value);
}

std::optional<std::uint16_t> Reader::u16() {
  auto value = get_be(2);
  if (!value) return std::nullopt;
  return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint32_t> Reader::u32() {
  auto value = get_be(4);
  if (!value) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

std::optional<std::uint64_t> Reader::u64() { return get_be(8); }

std::optional<std::span<const std::uint8_t>> Reader::bytes(std::size_t count) {
  if (remaining() < count) return std::nullopt;
  auto view = bytes_.subspan(position_, count);
  position_ += count;
  return view;
}

}  // namespace tandem::proto
