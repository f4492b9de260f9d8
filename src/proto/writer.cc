#include "proto/writer.h"

#include "base/check.h"

namespace tandem::proto {

void Writer::text(std::string_view data) {
  for (char c : data) bytes_.push_back(static_cast<std::uint8_t>(c));
}

void Writer::put_be(std::uint64_t value, int width) {
  for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
    bytes_.push_back(static_cast<std::uint8_t>(value >> shift));
  }
}

void Writer::patch_u32(std::size_t offset, std::uint32_t value) {
  TANDEM_CHECK(offset + 4 <= bytes_.size());
  for (std::size_t i = 0; i < 4; ++i) {
    bytes_[offset + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
  }
}

}  // namespace tandem::proto
