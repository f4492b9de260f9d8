#include "sys/announcement.h"

#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "base/unique_fd.h"
#include "sys/netlink_socket.h"

namespace tandem::sys {
namespace {

constexpr std::uint8_t kNeighbourAdvertisement = 136;  // ICMPv6 type (RFC 4861)
constexpr std::uint8_t kOverrideFlag = 0x20;           // in the NA's first flags byte
constexpr std::uint8_t kTargetLinkLayerAddress = 2;    // NA option type
constexpr int kNeighbourDiscoveryHopLimit = 255;       // RFC 4861: anything else is dropped

Failure interface_failure(const InterfaceName& interface, const std::string& cause) {
  return fail("interface " + interface.value(), cause);
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

void put_bytes(std::vector<std::uint8_t>& out, const std::uint8_t* bytes, std::size_t size) {
  out.insert(out.end(), bytes, bytes + size);
}

Result<unsigned> interface_index(const InterfaceName& interface) {
  unsigned index = ::if_nametoindex(interface.value().c_str());
  if (index == 0) return interface_failure(interface, "no such interface: " + error_text(errno));
  return index;
}

}  // namespace

std::vector<std::uint8_t> gratuitous_arp_packet(ArpForm form, const MacAddress& mac, const IpAddress& address) {
  std::vector<std::uint8_t> packet;
  put_u16(packet, ARPHRD_ETHER);
  put_u16(packet, ETH_P_IP);
  packet.push_back(ETH_ALEN);
  packet.push_back(4);
  put_u16(packet, form == ArpForm::kRequest ? ARPOP_REQUEST : ARPOP_REPLY);
  put_bytes(packet, mac.data(), mac.size());     // sender hardware address
  put_bytes(packet, address.bytes().data(), 4);  // sender protocol address
  // Target hardware address: zero in a request (RFC 5227 announcement), the sender's own in
  // a reply (as arping -A and keepalived send it).
  MacAddress target{};
  if (form == ArpForm::kReply) target = mac;
  put_bytes(packet, target.data(), target.size());
  put_bytes(packet, address.bytes().data(), 4);  // target protocol address = sender's
  return packet;
}

std::vector<std::uint8_t> unsolicited_na_packet(const MacAddress& mac, const IpAddress& address) {
  std::vector<std::uint8_t> packet{kNeighbourAdvertisement, 0, 0, 0,   // type, code, checksum
                                   kOverrideFlag,           0, 0, 0};  // R=0 S=0 O=1
  put_bytes(packet, address.bytes().data(), address.bytes().size());   // target address
  packet.push_back(kTargetLinkLayerAddress);
  packet.push_back(1);  // option length in units of 8 bytes
  put_bytes(packet, mac.data(), mac.size());
  return packet;
}

Result<MacAddress> interface_mac(const InterfaceName& interface) {
  UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.is_valid()) return interface_failure(interface, "cannot open a socket: " + error_text(errno));
  ifreq request{};
  if (interface.value().size() >= sizeof request.ifr_name) {
    return interface_failure(interface, "name longer than the kernel allows");
  }
  std::memcpy(request.ifr_name, interface.value().data(), interface.value().size());
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &request) != 0) {
    return interface_failure(interface, "cannot read its hardware address: " + error_text(errno));
  }
  MacAddress mac{};
  std::memcpy(mac.data(), request.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

Result<UniqueFd> open_packet_socket() {
  // Protocol 0: this socket only sends, and receives nothing.
  UniqueFd fd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.is_valid()) return fail("packet socket", "cannot open: " + error_text(errno));
  return fd;
}

Result<void> send_gratuitous_arp(ArpForm form, const IpAddress& address, const InterfaceName& interface) {
  auto fd = open_packet_socket();
  if (!fd) return interface_failure(interface, fd.error().message());
  return send_gratuitous_arp(*fd, form, address, interface);
}

Result<void> send_gratuitous_arp(const UniqueFd& packet_socket, ArpForm form, const IpAddress& address,
                                 const InterfaceName& interface) {
  auto index = interface_index(interface);
  if (!index) return fail(index.error());
  auto mac = interface_mac(interface);
  if (!mac) return fail(mac.error());
  sockaddr_ll destination{};
  destination.sll_family = AF_PACKET;
  destination.sll_protocol = htons(ETH_P_ARP);
  destination.sll_ifindex = static_cast<int>(*index);
  destination.sll_halen = ETH_ALEN;
  std::fill_n(destination.sll_addr, ETH_ALEN, std::uint8_t{0xff});  // broadcast
  auto packet = gratuitous_arp_packet(form, *mac, address);
  if (::sendto(packet_socket.get(), packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&destination),
               sizeof destination) < 0) {
    return interface_failure(interface,
                             "cannot send a gratuitous ARP for " + address.to_string() + ": " + error_text(errno));
  }
  return success();
}

Result<void> send_unsolicited_na(const IpAddress& address, const InterfaceName& interface) {
  auto index = interface_index(interface);
  if (!index) return fail(index.error());
  auto mac = interface_mac(interface);
  if (!mac) return fail(mac.error());
  UniqueFd fd(::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6));
  if (!fd.is_valid()) {
    return interface_failure(interface, "cannot open an ICMPv6 socket: " + error_text(errno));
  }
  int hops = kNeighbourDiscoveryHopLimit;
  int out_index = static_cast<int>(*index);
  ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
  ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
  ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &out_index, sizeof out_index);
  sockaddr_in6 source{};
  source.sin6_family = AF_INET6;
  std::memcpy(&source.sin6_addr, address.bytes().data(), 16);
  source.sin6_scope_id = *index;
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&source), sizeof source) != 0) {
    return interface_failure(interface, "cannot send from " + address.to_string() + ": " + error_text(errno));
  }
  sockaddr_in6 destination{};
  destination.sin6_family = AF_INET6;
  destination.sin6_addr.s6_addr[0] = 0xff;  // ff02::1, all nodes on the link
  destination.sin6_addr.s6_addr[1] = 0x02;
  destination.sin6_addr.s6_addr[15] = 0x01;
  destination.sin6_scope_id = *index;
  auto packet = unsolicited_na_packet(*mac, address);
  if (::sendto(fd.get(), packet.data(), packet.size(), 0, reinterpret_cast<const sockaddr*>(&destination),
               sizeof destination) < 0) {
    return interface_failure(
        interface, "cannot send a neighbour advertisement for " + address.to_string() + ": " + error_text(errno));
  }
  return success();
}

}  // namespace tandem::sys
