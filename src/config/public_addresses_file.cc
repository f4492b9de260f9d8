#include "config/public_addresses_file.h"

#include <algorithm>
#include <string>
#include <unordered_map>

#include "base/text.h"
#include "config/interface_names.h"
#include "config/lines.h"

namespace tandem::config {

namespace {

// Whether the host bits of `address` below the first `length` bits are all `bit`.
bool host_bits_are(const IpAddress& address, int length, bool bit) {
  for (int i = length; i < address.bit_length(); ++i) {
    const bool is_set = (address.bytes()[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1;
    if (is_set != bit) return false;
  }
  return true;
}

}  // namespace

Result<void> check_host_address(const IpPrefix& prefix) {
  const IpAddress& address = prefix.address;
  const int host_bits = address.bit_length() - prefix.length;
  // IPv4 /31 and /32 and IPv6 /127 and /128 have no network or broadcast address to avoid.
  if (host_bits < 2) return success();
  const std::string subnet = "/" + std::to_string(prefix.length);
  if (host_bits_are(address, prefix.length, false)) {
    return fail("", address.to_string() + subnet + " is the " +
                        (address.is_v4() ? "network address" : "subnet-router anycast address") +
                        " of its subnet; a public IP must be a host address");
  }
  if (address.is_v4() && host_bits_are(address, prefix.length, true)) {
    return fail("", address.to_string() + subnet +
                        " is the broadcast address of its subnet; a public IP must be "
                        "a host address");
  }
  return success();
}

namespace {

Result<IpPrefix> parse_prefix(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return fail("", quote(text) + " has no prefix length; write ADDRESS/PREFIX, e.g. 198.51.100.10/24");
  }
  const std::string_view address_text = text.substr(0, slash);
  auto address = IpAddress::parse(address_text);
  if (!address) return fail("", quote(address_text) + " is not a valid IPv4 or IPv6 address");
  const std::string_view length_text = text.substr(slash + 1);
  const auto length = parse_unsigned(length_text);
  const auto length_max = static_cast<std::uint64_t>(address->bit_length());
  if (!length || *length > length_max || (length_text.size() > 1 && length_text.front() == '0')) {
    return fail("", "prefix length " + quote("/" + std::string(length_text)) + " of " + address->to_string() +
                        " is not a number from 1 to " + std::to_string(length_max));
  }
  if (*length == 0) {
    return fail("", "prefix length /0 of " + address->to_string() +
                        " would make every address its subnet; give the length of the subnet the "
                        "address is in, e.g. /24");
  }
  const IpPrefix prefix{*address, static_cast<int>(*length)};
  if (auto host = check_host_address(prefix); !host) return fail(host.error());
  return prefix;
}

Result<std::vector<InterfaceName>> parse_interface_list(std::string_view text) {
  std::vector<InterfaceName> interfaces;
  for (std::string_view part : split(text, ',')) {
    if (part.empty()) {
      return fail(
          "", "interface list " + quote(text) + " has an empty name; separate names with single commas and no blanks");
    }
    auto name = parse_interface_name(part);
    if (!name) return fail(name.error());
    if (std::find(interfaces.begin(), interfaces.end(), *name) != interfaces.end()) {
      return fail("", "interface " + name->value() + " is listed twice in " + quote(text));
    }
    interfaces.push_back(*name);
  }
  return interfaces;
}

// One line, or an error without a place.
Result<PublicAddress> parse_line(std::string_view content) {
  const auto fields = split_fields(content);
  auto prefix = parse_prefix(fields[0]);
  if (!prefix) return fail(prefix.error());
  if (fields.size() < 2) {
    return fail("", prefix->to_string() + " has no interfaces; write ADDRESS/PREFIX INTERFACE[,INTERFACE...], e.g. " +
                        prefix->to_string() + " eth1");
  }
  if (fields.size() > 2) {
    return fail("", "unexpected " + quote(fields[2]) + " after the interface list " + quote(fields[1]) +
                        (fields[2].front() == '#' ? "; a comment must be on a line of its own"
                                                  : "; separate interfaces with commas, not blanks"));
  }
  auto interfaces = parse_interface_list(fields[1]);
  if (!interfaces) return fail(interfaces.error());
  return PublicAddress{*prefix, std::move(*interfaces)};
}

}  // namespace

Result<AddressList> parse_public_addresses(std::string_view text, std::string_view file_name) {
  auto lines = content_lines(text, file_name, Comments::kDropped);
  if (!lines) return fail(lines.error());
  AddressList addresses;
  std::unordered_map<IpAddress, int> first_line;
  for (const Line& line : *lines) {
    auto address = parse_line(line.text);
    if (!address) return fail(place(file_name, line.number), address.error().cause);
    auto [it, is_new] = first_line.emplace(address->address(), line.number);
    if (!is_new) {
      return fail(place(file_name, line.number), "address " + address->address().to_string() +
                                                     " is already listed on line " + std::to_string(it->second) +
                                                     "; list each address once");
    }
    addresses.push_back(std::move(*address));
  }
  return addresses;
}

}  // namespace tandem::config
