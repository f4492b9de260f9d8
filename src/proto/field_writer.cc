#include "proto/field_writer.h"

#include "base/check.h"
#include "proto/limits.h"

namespace tandem::proto {

void FieldWriter::header(FieldTag tag, std::size_t length) {
  TANDEM_CHECK(length <= kPayloadSizeMax);
  out_.u16(tag);
  out_.u32(static_cast<std::uint32_t>(length));
}

void FieldWriter::u8(FieldTag tag, std::uint8_t value) {
  header(tag, 1);
  out_.u8(value);
}

void FieldWriter::u32(FieldTag tag, std::uint32_t value) {
  header(tag, 4);
  out_.u32(value);
}

void FieldWriter::u64(FieldTag tag, std::uint64_t value) {
  header(tag, 8);
  out_.u64(value);
}

void FieldWriter::text(FieldTag tag, std::string_view value) {
  header(tag, value.size());
  out_.text(value);
}

void FieldWriter::address_bytes(const IpAddress& value) {
  out_.u8(static_cast<std::uint8_t>(value.family()));
  const std::size_t count = value.is_v4() ? 4 : 16;
  out_.bytes(std::span<const std::uint8_t>(value.bytes()).first(count));
}

void FieldWriter::address(FieldTag tag, const IpAddress& value) {
  header(tag, value.is_v4() ? 5 : 17);
  address_bytes(value);
}

void FieldWriter::prefix(FieldTag tag, const IpPrefix& value) {
  TANDEM_CHECK(value.length >= 0 && value.length <= value.address.bit_length());
  header(tag, value.address.is_v4() ? 6 : 18);
  address_bytes(value.address);
  out_.u8(static_cast<std::uint8_t>(value.length));
}

std::size_t FieldWriter::begin_nested(FieldTag tag) {
  out_.u16(tag);
  const std::size_t mark = out_.size();
  out_.u32(0);  // patched by end_nested
  return mark;
}

void FieldWriter::end_nested(std::size_t mark) {
  const std::size_t length = out_.size() - mark - 4;
  TANDEM_CHECK(length <= kPayloadSizeMax);
  out_.patch_u32(mark, static_cast<std::uint32_t>(length));
}

}  // namespace tandem::proto
