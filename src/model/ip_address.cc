#include "model/ip_address.h"

#include <bit>
#include <optional>
#include <vector>

#include "base/text.h"

namespace tandem {

namespace {

std::optional<std::array<std::uint8_t, 4>> parse_dotted_quad(std::string_view text) {
  auto parts = split(text, '.');
  if (parts.size() != 4) return std::nullopt;
  std::array<std::uint8_t, 4> out{};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto part = parts[i];
    if (part.empty() || part.size() > 3) return std::nullopt;
    if (part.size() > 1 && part.front() == '0') return std::nullopt;  // no octal look-alikes
    auto value = parse_unsigned(part);
    if (!value || *value > 255) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(*value);
  }
  return out;
}

std::optional<std::uint16_t> parse_hex_group(std::string_view text) {
  if (text.empty() || text.size() > 4) return std::nullopt;
  std::uint16_t value = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    value = static_cast<std::uint16_t>(value * 16 + digit);
  }
  return value;
}

// Parses one side of a "::" into 16-bit groups; a dotted quad may end the last side.
std::optional<std::vector<std::uint16_t>> parse_groups(std::string_view text, bool may_end_in_v4) {
  std::vector<std::uint16_t> groups;
  if (text.empty()) return groups;
  auto parts = split(text, ':');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (may_end_in_v4 && i + 1 == parts.size() && parts[i].find('.') != std::string_view::npos) {
      auto quad = parse_dotted_quad(parts[i]);
      if (!quad) return std::nullopt;
      groups.push_back(static_cast<std::uint16_t>((*quad)[0] << 8 | (*quad)[1]));
      groups.push_back(static_cast<std::uint16_t>((*quad)[2] << 8 | (*quad)[3]));
      continue;
    }
    auto group = parse_hex_group(parts[i]);
    if (!group) return std::nullopt;
    groups.push_back(*group);
  }
  return groups;
}

std::optional<IpAddress::Bytes> parse_v6(std::string_view text) {
  std::vector<std::uint16_t> head;
  std::vector<std::uint16_t> tail;
  const auto gap = text.find("::");
  if (gap != std::string_view::npos) {
    if (text.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    auto left = parse_groups(text.substr(0, gap), false);
    auto right = parse_groups(text.substr(gap + 2), true);
    if (!left || !right || left->size() + right->size() > 7) return std::nullopt;
    head = std::move(*left);
    tail = std::move(*right);
  } else {
    auto all = parse_groups(text, true);
    if (!all || all->size() != 8) return std::nullopt;
    head = std::move(*all);
  }
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < head.size(); ++i) groups[i] = head[i];
  for (std::size_t i = 0; i < tail.size(); ++i) groups[8 - tail.size() + i] = tail[i];
  IpAddress::Bytes bytes{};
  for (std::size_t i = 0; i < 8; ++i) {
    bytes[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
    bytes[2 * i + 1] = static_cast<std::uint8_t>(groups[i] & 0xff);
  }
  return bytes;
}

std::uint64_t load_be64(const IpAddress::Bytes& bytes, std::size_t offset) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = value << 8 | bytes[offset + i];
  return value;
}

}  // namespace

IpAddress IpAddress::v4(std::uint32_t host_order) {
  IpAddress address;
  address.family_ = IpFamily::kV4;
  for (std::size_t i = 0; i < 4; ++i) {
    address.bytes_[i] = static_cast<std::uint8_t>(host_order >> (24 - 8 * i));
  }
  return address;
}

IpAddress IpAddress::v6(const Bytes& bytes) {
  IpAddress address;
  address.family_ = IpFamily::kV6;
  address.bytes_ = bytes;
  return address;
}

Result<IpAddress> IpAddress::parse(std::string_view text) {
  if (text.find(':') != std::string_view::npos) {
    auto bytes = parse_v6(text);
    if (!bytes) return fail("", "'" + std::string(text) + "' is not a valid IPv6 address");
    return v6(*bytes);
  }
  auto quad = parse_dotted_quad(text);
  if (!quad) return fail("", "'" + std::string(text) + "' is not a valid IP address");
  IpAddress address;
  std::copy(quad->begin(), quad->end(), address.bytes_.begin());
  return address;
}

std::uint64_t IpAddress::high_bits() const { return load_be64(bytes_, 0); }
std::uint64_t IpAddress::low_bits() const { return load_be64(bytes_, 8); }

std::string IpAddress::to_string() const {
  if (is_v4()) {
    return std::to_string(bytes_[0]) + "." + std::to_string(bytes_[1]) + "." + std::to_string(bytes_[2]) + "." +
           std::to_string(bytes_[3]);
  }
  std::array<std::uint16_t, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) {
    groups[i] = static_cast<std::uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  }
  // RFC 5952: compress the longest run of two or more zero groups, the first on a tie.
  std::size_t best_start = 8, best_length = 0;
  for (std::size_t i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length && j - i >= 2) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < 8; ++i) {
    if (i == best_start) {
      out += "::";
      i += best_length - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    bool leading = true;
    for (int shift = 12; shift >= 0; shift -= 4) {
      const auto digit = static_cast<std::size_t>((groups[i] >> shift) & 0xf);
      if (leading && digit == 0 && shift != 0) continue;
      leading = false;
      out += kHex[digit];
    }
  }
  return out;
}

int common_prefix_length(const IpAddress& a, const IpAddress& b) {
  if (a.family() != b.family()) return 0;
  const std::uint64_t high = a.high_bits() ^ b.high_bits();
  int length = high != 0 ? std::countl_zero(high) : 64 + std::countl_zero(a.low_bits() ^ b.low_bits());
  return std::min(length, a.bit_length());
}

std::ostream& operator<<(std::ostream& out, const IpAddress& address) { return out << address.to_string(); }

Result<IpPrefix> IpPrefix::parse(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail("", "'" + std::string(text) + "' has no prefix length (ADDRESS/PREFIX)");
  }
  auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) return fail(address.error());
  const auto length_text = text.substr(slash + 1);
  auto length = parse_unsigned(length_text);
  if (!length || *length > static_cast<std::uint64_t>(address->bit_length()) ||
      (length_text.size() > 1 && length_text.front() == '0')) {
    return fail("", "bad prefix length '/" + std::string(length_text) + "' for " +
                        (address->is_v4() ? "IPv4 (0-32)" : "IPv6 (0-128)"));
  }
  return IpPrefix{*address, static_cast<int>(*length)};
}

std::string IpPrefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

}  // namespace tandem
