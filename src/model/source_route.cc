#include "model/source_route.h"

namespace tandem {

std::string TableRoute::to_string() const {
  std::string text = destination.length == 0 ? std::string("default") : destination.to_string();
  if (gateway) text += " via " + gateway->to_string();
  return text;
}

bool contains(const IpPrefix& network, const IpAddress& address) {
  return network.address.family() == address.family() &&
         common_prefix_length(network.address, address) >= network.length;
}

IpPrefix network_of(const IpPrefix& prefix) {
  IpAddress::Bytes bytes = prefix.address.bytes();
  const int size = prefix.address.is_v4() ? 4 : 16;
  // bytes() of an IPv4 address: its four bytes first (see ip_address.h).
  for (int bit = prefix.length; bit < size * 8; ++bit) {
    bytes[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
  }
  if (prefix.address.is_v4()) {
    return IpPrefix{IpAddress::v4(std::uint32_t{bytes[0]} << 24 | std::uint32_t{bytes[1]} << 16 |
                                  std::uint32_t{bytes[2]} << 8 | bytes[3]),
                    prefix.length};
  }
  return IpPrefix{IpAddress::v6(bytes), prefix.length};
}

}  // namespace tandem
