// Fields: the TLV fields of one payload (or one list item), read by tag with a sticky error.
//
// Parsing only splits the bytes into (tag, value) views; nothing is copied and nothing is
// read past the end. Getters then read a field by tag. A field this version does not ask
// for is skipped, which is how a newer peer's added fields are tolerated. The first
// problem (a malformed sequence, a required field missing, a field given twice, a value of
// the wrong size or out of range) is kept as the error, with its place such as
// "TakeoverOrder.items[2].address"; once failed, getters return defaults and decoding runs
// on harmlessly, so decoders read fields in a straight line and check `error()` at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "proto/field_writer.h"

namespace tandem::proto {

class Fields {
 public:
  // `place` names what the bytes are ("Heartbeat", "StateReport.held[3]").
  Fields(std::span<const std::uint8_t> bytes, std::string place);

  bool has(FieldTag tag) const;

  // Required fields: a missing one is an error.
  std::uint8_t u8(FieldTag tag, std::string_view name);
  std::uint32_t u32(FieldTag tag, std::string_view name);
  std::uint64_t u64(FieldTag tag, std::string_view name);
  bool boolean(FieldTag tag, std::string_view name);
  NodeId node(FieldTag tag, std::string_view name);  // never the broadcast id
  // Any bytes, at most `max` of them.
  std::string text(FieldTag tag, std::string_view name, std::size_t max);
  // 1 to `max` bytes, no control characters (interface and group names).
  std::string identifier(FieldTag tag, std::string_view name, std::size_t max);
  IpAddress address(FieldTag tag, std::string_view name);
  IpPrefix prefix(FieldTag tag, std::string_view name);

  // Every field with this tag, in order, each as the Fields of one list item, placed as
  // "<place>.<name>[i]". Fold each item's error back with absorb().
  std::vector<Fields> items(FieldTag tag, std::string_view name);
  // Every occurrence of a repeated identifier field, in order.
  std::vector<std::string> identifiers(FieldTag tag, std::string_view name, std::size_t max);
  void absorb(const Fields& item);

  // Records an error at "<place>.<name>" unless one is already recorded.
  void fail_at(std::string_view name, std::string cause);

  bool ok() const { return !error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }

 private:
  struct Field {
    FieldTag tag;
    std::span<const std::uint8_t> value;
  };

  void split(std::span<const std::uint8_t> bytes);
  // The one field with `tag`, or nullopt (and an error) if it is missing or repeated.
  std::optional<std::span<const std::uint8_t>> one(FieldTag tag, std::string_view name);
  std::optional<std::span<const std::uint8_t>> sized(FieldTag tag, std::string_view name, std::size_t size);
  std::optional<IpAddress> address_value(std::span<const std::uint8_t> value, std::string_view name, std::size_t extra);

  std::vector<Field> fields_;
  std::string place_;
  std::optional<Error> error_;
};

}  // namespace tandem::proto
