// choose_interfaces(): which up interface of one node each IP of one group uses. PURE.
//
// The leader (inside allocate()) and a node reacting to its own link change (local
// failover) both call this, so they agree by construction. Interfaces are small integers
// here, numbered in name order, so that ties break by name and the choice is the same for
// the same input whatever order it came in.
//
// Preference, strongest first:
//   1. the group's IPs on distinct interfaces (path diversity), spreading as evenly as the
//      up interfaces allow;
//   2. no IP moves from the interface it has now, unless to its preferred interface (the
//      "@IFACE" of ip_groups): an interface failing moves only its own IPs, and one coming
//      back draws its IPs home;
//   3. an IP alone (of its group) on its preferred interface;
//   4. an IP on its preferred interface, even shared;
//   5. the interface with the fewest IPs of this node already (spreads single IPs too);
//   6. the interface first in name order.
#pragma once

#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace tandem::alloc {

using InterfaceId = std::uint32_t;
inline constexpr InterfaceId kNoInterface = std::numeric_limits<InterfaceId>::max();

struct InterfaceCandidates {
  std::span<const InterfaceId> usable;  // allowed for the IP and up; sorted; not empty
  InterfaceId preferred = kNoInterface;
  InterfaceId current = kNoInterface;  // where it is on this node now, if it is here
};

// Groups whose choices number at most this are searched exhaustively with the exact
// objective above; larger ones fall back to a min-cost matching that approximates rule 2.
inline constexpr std::size_t kExactSearchMax = 4096;

// Returns one interface per IP, in the order given. `load[i]` counts the IPs the node has
// on interface i already; the chosen interfaces are added to it. Every usable id must be
// below load.size().
std::vector<InterfaceId> choose_interfaces(std::span<const InterfaceCandidates> ips, std::vector<std::uint32_t>& load);

// The fallback for large groups; exposed for its tests.
std::vector<InterfaceId> match(std::span<const InterfaceCandidates> ips, const std::vector<std::uint32_t>& load);

}  // namespace tandem::alloc
