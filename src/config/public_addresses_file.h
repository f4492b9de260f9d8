// A node's `public_addresses` file (CTDB format): the public IPs this node may host.
//
// One address per line, `ADDRESS/PREFIX INTERFACE[,INTERFACE...]`, e.g.
//   198.51.100.10/24 eth1
//   2001:db8:100::10/64 eth1,eth2
// The interfaces are where this node may configure the address, in order of listing.
// Lines whose first non-blank character is '#' are comments; blank lines are ignored.
// A comment cannot follow an address on the same line (CTDB has no such syntax).
//
// Pure: parse_public_addresses() takes the text and the name to print; it never reads a
// file or asks the kernel whether an interface exists.
#pragma once

#include <string_view>

#include "base/result.h"
#include "model/public_address.h"

namespace tandem::config {

// The addresses in file order. Errors ("FILE:LINE"): no prefix length, a bad address, a
// prefix length out of range or zero, no interface list, an empty or invalid interface
// name, an interface twice on one line, text after the interface list, an address listed
// twice in the file (naming the first line), the network or broadcast address of its
// subnet (check_host_address()).
Result<AddressList> parse_public_addresses(std::string_view text, std::string_view file_name);

// Refuses (without a place) an address that is not a host of its subnet: the IPv4 network
// (all host bits 0) or broadcast (all 1) address, or the IPv6 subnet-router anycast
// address (all 0), when the subnet has at least 2 host bits. Clients cannot use such an
// address as a host's, and the kernel treats the IPv4 broadcast specially.
Result<void> check_host_address(const IpPrefix& prefix);

}  // namespace tandem::config
