// IpAddress and IpPrefix: IPv4 and IPv6 addresses as plain values.
//
// Parsed and printed here, without the C library's socket headers, so that the pure layers
// (config, alloc, proto) can use them. Printing follows RFC 5952 (lower case, the longest
// run of zero groups compressed), so one address has one spelling in logs and JSON.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "base/result.h"

namespace tandem {

enum class IpFamily : std::uint8_t { kV4 = 4, kV6 = 6 };

class IpAddress {
 public:
  using Bytes = std::array<std::uint8_t, 16>;

  IpAddress() = default;  // 0.0.0.0

  static IpAddress v4(std::uint32_t host_order);
  static IpAddress v6(const Bytes& bytes);

  // Strict: dotted quad without leading zeros, or RFC 4291 text (with "::" and a trailing
  // dotted quad). No prefix, port, brackets or zone.
  static Result<IpAddress> parse(std::string_view text);

  IpFamily family() const { return family_; }
  bool is_v4() const { return family_ == IpFamily::kV4; }
  int bit_length() const { return is_v4() ? 32 : 128; }

  // IPv4 uses bytes()[0..3]; the rest are zero.
  const Bytes& bytes() const { return bytes_; }

  // The address as a 128-bit big-endian key in two halves (IPv4 in the high bits), so
  // that the common prefix of two addresses of one family is a count of leading zeros.
  std::uint64_t high_bits() const;
  std::uint64_t low_bits() const;

  std::string to_string() const;

  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  IpFamily family_ = IpFamily::kV4;
  Bytes bytes_{};
};

// Length of the common leading bit string of two addresses; 0 across families.
int common_prefix_length(const IpAddress& a, const IpAddress& b);

std::ostream& operator<<(std::ostream& out, const IpAddress& address);

// An address with a prefix length, as in "198.51.100.10/24". Host bits may be set: a
// public address is one host's address together with the length of its subnet.
struct IpPrefix {
  IpAddress address;
  int length = 0;

  static Result<IpPrefix> parse(std::string_view text);
  std::string to_string() const;

  friend auto operator<=>(const IpPrefix&, const IpPrefix&) = default;
  friend bool operator==(const IpPrefix&, const IpPrefix&) = default;
};

}  // namespace tandem

template <>
struct std::hash<tandem::IpAddress> {
  std::size_t operator()(const tandem::IpAddress& address) const noexcept {
    std::uint64_t h = address.high_bits() * 0x9E3779B97F4A7C15ull ^ address.low_bits();
    h ^= static_cast<std::uint64_t>(address.family()) << 1;
    h ^= h >> 29;
    return static_cast<std::size_t>(h * 0xBF58476D1CE4E5B9ull);
  }
};
