// FieldWriter: writes a payload as TLV fields (tag u16, length u32, value), big-endian.
//
// The one encoding of every payload, so that a reader can skip the fields it does not
// know (docs/design/wire-protocol.md). Values: unsigned integers at fixed width; booleans
// as one byte 0 or 1; strings as their bytes (the field length is the string length);
// addresses as a family byte (4 or 6) and 4 or 16 bytes, then a prefix length byte for a
// prefix; nested fields (one item of a list) as a TLV sequence inside the value.
// Never fails: the caller keeps strings within the limits of limits.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/ids.h"
#include "model/ip_address.h"
#include "proto/writer.h"

namespace tandem::proto {

using FieldTag = std::uint16_t;

class FieldWriter {
 public:
  explicit FieldWriter(Writer& out) : out_(out) {}

  void u8(FieldTag tag, std::uint8_t value);
  void u32(FieldTag tag, std::uint32_t value);
  void u64(FieldTag tag, std::uint64_t value);
  void boolean(FieldTag tag, bool value) { u8(tag, value ? 1 : 0); }
  void node(FieldTag tag, NodeId value) { u32(tag, value.value()); }
  void text(FieldTag tag, std::string_view value);
  void address(FieldTag tag, const IpAddress& value);
  void prefix(FieldTag tag, const IpPrefix& value);

  // Opens a field whose value is more fields; returns the mark end_nested() needs.
  std::size_t begin_nested(FieldTag tag);
  void end_nested(std::size_t mark);

 private:
  void header(FieldTag tag, std::size_t length);
  void address_bytes(const IpAddress& value);

  Writer& out_;
};

}  // namespace tandem::proto
