// Announcements: gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6).
//
// The kernel sends neither when an address is added (lab/README.md, "Facts the lab is built on"), so a node that takes
// a public IP announces it itself, to move its clients' neighbour entries at once. These functions send ONE
// announcement each; repeating it (clients ignore a second update within their locktime) is the node machine's decision
// (src/cluster/announcement_schedule.h). They must never change any kernel state: they only send packets, on sockets
// they open and close themselves.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem::sys {

using MacAddress = std::array<std::uint8_t, 6>;

// Both forms are sent: some clients update their entry only from a request, some only
// from a reply (RFC 5227 section 3 and keepalived's experience).
enum class ArpForm : std::uint8_t { kRequest, kReply };

// The ARP packet (without Ethernet header) announcing that `address` is at `mac`.
std::vector<std::uint8_t> gratuitous_arp_packet(ArpForm form, const MacAddress& mac, const IpAddress& address);

// The ICMPv6 neighbour advertisement (checksum left 0: the kernel fills it in) announcing
// that `address` is at `mac`, with the override flag so clients replace their entry.
std::vector<std::uint8_t> unsolicited_na_packet(const MacAddress& mac, const IpAddress& address);

// The hardware address of `interface`.
Result<MacAddress> interface_mac(const InterfaceName& interface);

// One gratuitous ARP in `form`, broadcast out of `interface` (AF_PACKET socket).
Result<void> send_gratuitous_arp(ArpForm form, const IpAddress& address, const InterfaceName& interface);

// The same through a packet socket the caller keeps open. A daemon must: closing an
// AF_PACKET socket waits for the kernel (an RCU grace period, 8-16 ms measured here), which
// would stall the event loop for every announcement.
Result<UniqueFd> open_packet_socket();
Result<void> send_gratuitous_arp(const UniqueFd& packet_socket, ArpForm form, const IpAddress& address,
                                 const InterfaceName& interface);

// One unsolicited neighbour advertisement to all nodes (ff02::1) out of `interface`, from
// `address` itself with hop limit 255 (RFC 4861 7.2.6; receivers drop any other limit).
// `address` must already be usable on the interface (NetlinkNetOps adds it without DAD).
Result<void> send_unsolicited_na(const IpAddress& address, const InterfaceName& interface);

}  // namespace tandem::sys
