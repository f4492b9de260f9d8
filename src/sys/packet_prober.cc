#include "sys/packet_prober.h"

#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "sys/netlink_socket.h"

namespace tandem::sys {

namespace {

constexpr std::uint8_t kNeighbourSolicitation = 135;  // ICMPv6 types (RFC 4861)
constexpr std::uint8_t kNeighbourAdvertisement = 136;
constexpr std::uint8_t kSourceLinkLayerAddress = 1;  // NS option type
constexpr int kNeighbourDiscoveryHopLimit = 255;     // RFC 4861: anything else is dropped
constexpr std::size_t kArpPacketSize = 28;           // IPv4 over Ethernet
constexpr std::size_t kReadBufferSize = 2048;

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value & 0xff));
}

std::uint16_t u16_at(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

}  // namespace

std::vector<std::uint8_t> arp_probe_packet(const MacAddress& mac, const IpAddress& target) {
  std::vector<std::uint8_t> packet;
  put_u16(packet, ARPHRD_ETHER);
  put_u16(packet, ETH_P_IP);
  packet.push_back(ETH_ALEN);
  packet.push_back(4);
  put_u16(packet, ARPOP_REQUEST);
  packet.insert(packet.end(), mac.begin(), mac.end());  // sender hardware address
  packet.insert(packet.end(), 4, 0);                    // sender protocol address 0.0.0.0
  packet.insert(packet.end(), ETH_ALEN, 0);             // target hardware address: unknown
  packet.insert(packet.end(), target.bytes().begin(), target.bytes().begin() + 4);
  return packet;
}

std::vector<std::uint8_t> neighbour_solicitation_packet(const MacAddress& mac, const IpAddress& target) {
  std::vector<std::uint8_t> packet{kNeighbourSolicitation, 0, 0, 0, 0, 0, 0, 0};  // type, code, checksum, reserved
  packet.insert(packet.end(), target.bytes().begin(), target.bytes().end());
  packet.push_back(kSourceLinkLayerAddress);
  packet.push_back(1);  // option length in units of 8 bytes
  packet.insert(packet.end(), mac.begin(), mac.end());
  return packet;
}

std::optional<IpAddress> arp_reply_sender(std::span<const std::uint8_t> packet) {
  if (packet.size() < kArpPacketSize) return std::nullopt;
  if (u16_at(packet, 0) != ARPHRD_ETHER || u16_at(packet, 2) != ETH_P_IP || packet[4] != ETH_ALEN || packet[5] != 4)
    return std::nullopt;
  if (u16_at(packet, 6) != ARPOP_REPLY) return std::nullopt;
  const std::uint32_t sender = (std::uint32_t{packet[14]} << 24) | (std::uint32_t{packet[15]} << 16) |
                               (std::uint32_t{packet[16]} << 8) | std::uint32_t{packet[17]};
  return IpAddress::v4(sender);
}

std::optional<IpAddress> neighbour_advertisement_target(std::span<const std::uint8_t> packet) {
  if (packet.size() < 24 || packet[0] != kNeighbourAdvertisement || packet[1] != 0) return std::nullopt;
  IpAddress::Bytes bytes{};
  std::copy_n(packet.begin() + 8, 16, bytes.begin());
  return IpAddress::v6(bytes);
}

struct PacketProber::Listener {
  Listener(asio::io_context& context, InterfaceName name, bool v4)
      : interface(std::move(name)), is_v4(v4), descriptor(context) {}

  InterfaceName interface;
  bool is_v4 = true;
  int index = 0;
  MacAddress mac{};
  asio::posix::stream_descriptor descriptor;
};

PacketProber::PacketProber(asio::io_context& context, Answered answered, const Logger& log)
    : context_(context), answered_(std::move(answered)), log_(log) {}

PacketProber::~PacketProber() { *alive_ = false; }

void PacketProber::probe(const InterfaceName& interface, const IpAddress& target) {
  asked_[interface].insert(target);
  auto sent = send(interface, target);
  const bool was_failing = failing_.contains(interface);
  if (!sent) {
    // Said once per interface until a probe goes out again: every probe is a miss meanwhile.
    if (!was_failing) log_.warning("reachability probes on " + interface.value() + ": " + sent.error().message());
    failing_.insert(interface);
    listeners_.erase({interface, target.is_v4()});  // opened afresh next time (the interface may be new)
    return;
  }
  if (was_failing) {
    log_.info("reachability probes on " + interface.value() + " go out again");
    failing_.erase(interface);
  }
}

Result<void> PacketProber::send(const InterfaceName& interface, const IpAddress& target) {
  auto opened = listener(interface, target.is_v4());
  if (!opened) return fail(opened.error());
  Listener& open = **opened;
  if (target.is_v4()) {
    sockaddr_ll destination{};
    destination.sll_family = AF_PACKET;
    destination.sll_protocol = htons(ETH_P_ARP);
    destination.sll_ifindex = open.index;
    destination.sll_halen = ETH_ALEN;
    std::fill_n(destination.sll_addr, ETH_ALEN, std::uint8_t{0xff});  // broadcast
    const auto packet = arp_probe_packet(open.mac, target);
    if (::sendto(open.descriptor.native_handle(), packet.data(), packet.size(), 0,
                 reinterpret_cast<const sockaddr*>(&destination), sizeof destination) < 0) {
      return fail("", "cannot send an ARP request for " + target.to_string() + ": " + error_text(errno));
    }
    return success();
  }
  sockaddr_in6 destination{};  // ff02::1:ffXX:XXXX, the target's solicited-node group
  destination.sin6_family = AF_INET6;
  destination.sin6_addr.s6_addr[0] = 0xff;
  destination.sin6_addr.s6_addr[1] = 0x02;
  destination.sin6_addr.s6_addr[11] = 0x01;
  destination.sin6_addr.s6_addr[12] = 0xff;
  std::copy_n(target.bytes().begin() + 13, 3, destination.sin6_addr.s6_addr + 13);
  destination.sin6_scope_id = static_cast<std::uint32_t>(open.index);
  const auto packet = neighbour_solicitation_packet(open.mac, target);
  if (::sendto(open.descriptor.native_handle(), packet.data(), packet.size(), 0,
               reinterpret_cast<const sockaddr*>(&destination), sizeof destination) < 0) {
    return fail("", "cannot send a neighbour solicitation for " + target.to_string() + ": " + error_text(errno));
  }
  return success();
}

Result<PacketProber::Listener*> PacketProber::listener(const InterfaceName& interface, bool is_v4) {
  if (auto found = listeners_.find({interface, is_v4}); found != listeners_.end()) return found->second.get();
  const unsigned index = ::if_nametoindex(interface.value().c_str());
  if (index == 0) return fail("", "no such interface: " + error_text(errno));
  auto mac = interface_mac(interface);
  if (!mac) return fail(mac.error());
  UniqueFd fd;
  if (is_v4) {
    fd = UniqueFd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ARP)));
    if (!fd.is_valid()) return fail("", "cannot open a packet socket: " + error_text(errno));
    sockaddr_ll bound{};
    bound.sll_family = AF_PACKET;
    bound.sll_protocol = htons(ETH_P_ARP);
    bound.sll_ifindex = static_cast<int>(index);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&bound), sizeof bound) != 0)
      return fail("", "cannot bind a packet socket: " + error_text(errno));
  } else {
    fd = UniqueFd(::socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_ICMPV6));
    if (!fd.is_valid()) return fail("", "cannot open an ICMPv6 socket: " + error_text(errno));
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, interface.value().c_str(),
                     static_cast<socklen_t>(interface.value().size())) != 0)
      return fail("", "cannot bind an ICMPv6 socket to the interface: " + error_text(errno));
    icmp6_filter filter{};
    ICMP6_FILTER_SETBLOCKALL(&filter);
    ICMP6_FILTER_SETPASS(kNeighbourAdvertisement, &filter);
    ::setsockopt(fd.get(), IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof filter);
    int hops = kNeighbourDiscoveryHopLimit;
    int out_index = static_cast<int>(index);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof hops);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_UNICAST_HOPS, &hops, sizeof hops);
    ::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_MULTICAST_IF, &out_index, sizeof out_index);
  }
  auto made = std::make_unique<Listener>(context_, interface, is_v4);
  made->index = static_cast<int>(index);
  made->mac = *mac;
  asio::error_code error;
  made->descriptor.assign(fd.release(), error);
  if (error) return fail("", "cannot watch a probe socket: " + error.message());
  Listener* raw = made.get();
  listeners_[{interface, is_v4}] = std::move(made);
  read_next(*raw);
  return raw;
}

void PacketProber::read_next(Listener& listener) {
  std::weak_ptr<bool> alive = alive_;
  const std::pair<InterfaceName, bool> key{listener.interface, listener.is_v4};
  listener.descriptor.async_wait(asio::posix::descriptor_base::wait_read,
                                 [this, alive, key](const asio::error_code& error) {
                                   if (alive.expired() || error == asio::error::operation_aborted) return;
                                   const auto found = listeners_.find(key);
                                   if (found == listeners_.end()) return;
                                   if (error) {
                                     listeners_.erase(found);  // opened afresh at the next probe
                                     return;
                                   }
                                   on_readable(*found->second);
                                 });
}

void PacketProber::on_readable(Listener& listener) {
  std::vector<std::uint8_t> buffer(kReadBufferSize);
  for (;;) {
    const ssize_t size = ::recv(listener.descriptor.native_handle(), buffer.data(), buffer.size(), 0);
    if (size < 0) {
      if (errno == EINTR) continue;
      break;  // EAGAIN: all read; anything else: the next wait reports it
    }
    const std::span<const std::uint8_t> packet(buffer.data(), static_cast<std::size_t>(size));
    const auto from = listener.is_v4 ? arp_reply_sender(packet) : neighbour_advertisement_target(packet);
    if (!from) continue;
    const auto asked = asked_.find(listener.interface);
    if (asked != asked_.end() && asked->second.contains(*from)) answered_(listener.interface, *from);
  }
  read_next(listener);
}

}  // namespace tandem::sys
