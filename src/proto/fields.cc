#include "proto/fields.h"

#include "proto/reader.h"

namespace tandem::proto {

namespace {

constexpr std::uint32_t kBroadcastValue = 0xFFFFFFFFu;

std::uint64_t big_endian(std::span<const std::uint8_t> value) {
  std::uint64_t result = 0;
  for (std::uint8_t byte : value) result = result << 8 | byte;
  return result;
}

}  // namespace

Fields::Fields(std::span<const std::uint8_t> bytes, std::string place) : place_(std::move(place)) { split(bytes); }

void Fields::split(std::span<const std::uint8_t> bytes) {
  Reader reader(bytes);
  while (!reader.at_end()) {
    const std::size_t offset = reader.position();
    auto tag = reader.u16();
    auto length = reader.u32();
    if (!tag || !length) {
      error_ = Error{place_, "field header at byte " + std::to_string(offset) + " is truncated"};
      return;
    }
    auto value = reader.bytes(*length);
    if (!value) {
      error_ = Error{place_, "field " + std::to_string(*tag) + " at byte " + std::to_string(offset) + " claims " +
                                 std::to_string(*length) + " bytes but only " + std::to_string(reader.remaining()) +
                                 " remain"};
      return;
    }
    fields_.push_back(Field{*tag, *value});
  }
}

bool Fields::has(FieldTag tag) const {
  for (const auto& field : fields_) {
    if (field.tag == tag) return true;
  }
  return false;
}

void Fields::fail_at(std::string_view name, std::string cause) {
  if (error_) return;
  std::string place = place_;
  place.append(".").append(name);
  error_ = Error{std::move(place), std::move(cause)};
}

void Fields::absorb(const Fields& item) {
  if (!error_ && item.error_) error_ = item.error_;
}

std::optional<std::span<const std::uint8_t>> Fields::one(FieldTag tag, std::string_view name) {
  if (error_) return std::nullopt;
  std::optional<std::span<const std::uint8_t>> found;
  for (const auto& field : fields_) {
    if (field.tag != tag) continue;
    if (found) {
      fail_at(name, "field is given more than once");
      return std::nullopt;
    }
    found = field.value;
  }
  if (!found) fail_at(name, "required field is missing");
  return found;
}

std::optional<std::span<const std::uint8_t>> Fields::sized(FieldTag tag, std::string_view name, std::size_t size) {
  auto value = one(tag, name);
  if (value && value->size() != size) {
    fail_at(name, "field is " + std::to_string(value->size()) + " bytes long, expected " + std::to_string(size));
    return std::nullopt;
  }
  return value;
}

std::uint8_t Fields::u8(FieldTag tag, std::string_view name) {
  auto value = sized(tag, name, 1);
  return value ? static_cast<std::uint8_t>(big_endian(*value)) : 0;
}

std::uint32_t Fields::u32(FieldTag tag, std::string_view name) {
  auto value = sized(tag, name, 4);
  return value ? static_cast<std::uint32_t>(big_endian(*value)) : 0;
}

std::uint64_t Fields::u64(FieldTag tag, std::string_view name) {
  auto value = sized(tag, name, 8);
  return value ? big_endian(*value) : 0;
}

bool Fields::boolean(FieldTag tag, std::string_view name) {
  auto value = sized(tag, name, 1);
  if (!value) return false;
  const std::uint8_t byte = (*value)[0];
  if (byte > 1) fail_at(name, "value " + std::to_string(byte) + " is not a boolean (0 or 1)");
  return byte == 1;
}

NodeId Fields::node(FieldTag tag, std::string_view name) {
  const std::uint32_t value = u32(tag, name);
  if (value == kBroadcastValue) fail_at(name, "the broadcast id is not a node");
  return NodeId(value);
}

std::string Fields::text(FieldTag tag, std::string_view name, std::size_t max) {
  auto value = one(tag, name);
  if (!value) return {};
  if (value->size() > max) {
    fail_at(name,
            "is " + std::to_string(value->size()) + " bytes long; at most " + std::to_string(max) + " are allowed");
    return {};
  }
  std::string out;
  out.reserve(value->size());
  for (std::uint8_t byte : *value) out.push_back(static_cast<char>(byte));
  return out;
}

std::string Fields::identifier(FieldTag tag, std::string_view name, std::size_t max) {
  std::string out = text(tag, name, max);
  if (!ok()) return {};
  if (out.empty()) fail_at(name, "is empty");
  for (char c : out) {
    const auto byte = static_cast<std::uint8_t>(c);
    if (byte < 0x20 || byte == 0x7f) {
      fail_at(name, "contains control character " + std::to_string(byte));
      break;
    }
  }
  return ok() ? out : std::string();
}

// Reads family byte and address bytes; `extra` bytes (the prefix length) must follow.
std::optional<IpAddress> Fields::address_value(std::span<const std::uint8_t> value, std::string_view name,
                                               std::size_t extra) {
  if (value.empty()) {
    fail_at(name, "address field is empty");
    return std::nullopt;
  }
  const std::uint8_t family = value[0];
  if (family != 4 && family != 6) {
    fail_at(name, "unknown address family " + std::to_string(family));
    return std::nullopt;
  }
  const std::size_t count = family == 4 ? 4 : 16;
  if (value.size() != 1 + count + extra) {
    fail_at(name, "field is " + std::to_string(value.size()) + " bytes long, expected " +
                      std::to_string(1 + count + extra) + " for IPv" + std::to_string(family));
    return std::nullopt;
  }
  IpAddress::Bytes bytes{};
  for (std::size_t i = 0; i < count; ++i) bytes[i] = value[1 + i];
  if (family == 6) return IpAddress::v6(bytes);
  return IpAddress::v4(static_cast<std::uint32_t>(big_endian(value.subspan(1, 4))));
}

IpAddress Fields::address(FieldTag tag, std::string_view name) {
  auto value = one(tag, name);
  if (!value) return {};
  return address_value(*value, name, 0).value_or(IpAddress());
}

IpPrefix Fields::prefix(FieldTag tag, std::string_view name) {
  auto value = one(tag, name);
  if (!value) return {};
  auto address = address_value(*value, name, 1);
  if (!address) return {};
  const int length = value->back();
  if (length > address->bit_length()) {
    fail_at(name,
            "prefix length " + std::to_string(length) + " is longer than " + std::to_string(address->bit_length()));
    return {};
  }
  return IpPrefix{*address, length};
}

std::vector<Fields> Fields::items(FieldTag tag, std::string_view name) {
  std::vector<Fields> out;
  if (error_) return out;
  for (const auto& field : fields_) {
    if (field.tag != tag) continue;
    std::string place = place_;
    place.append(".").append(name).append("[").append(std::to_string(out.size())).append("]");
    out.emplace_back(field.value, std::move(place));
  }
  return out;
}

std::vector<std::string> Fields::identifiers(FieldTag tag, std::string_view name, std::size_t max) {
  std::vector<std::string> out;
  if (error_) return out;
  for (const auto& field : fields_) {
    if (field.tag != tag) continue;
    const std::string place_name = std::string(name) + "[" + std::to_string(out.size()) + "]";
    if (field.value.empty() || field.value.size() > max) {
      fail_at(place_name, "must be 1 to " + std::to_string(max) + " bytes long");
      return {};
    }
    std::string value;
    for (std::uint8_t byte : field.value) {
      if (byte < 0x21 || byte == 0x7f) {
        fail_at(place_name, "contains control character or blank " + std::to_string(byte));
        return {};
      }
      value.push_back(static_cast<char>(byte));
    }
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace tandem::proto
