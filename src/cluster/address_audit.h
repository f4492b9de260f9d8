// AddressAudit: does the kernel hold what this node believes it holds? PURE.
//
// Something other than tandemd may change a node's addresses: an administrator's
// `ip addr del`, NetworkManager or systemd-networkd "cleaning up" an interface, a script.
// find_drift() compares the kernel's addresses on the public interfaces (an AddressesSeen
// event) with `held`, address and interface together:
//   - missing: held, but not on its interface in the kernel: the node is supposed to serve
//     it, so the machine adds it again and announces it (no hooks: the service stayed),
//     unless it is shutting down (a stopping node takes nothing back);
//   - foreign: one of this node's public addresses on an interface where the node does not
//     hold it: it could answer for an address another node serves, so it is removed.
// Addresses that are not this node's public addresses (the mesh address, anything else on
// the interface) are never touched. The comparison is sound only when no add or remove the
// machine asked for is still to happen, which holds in the daemon and the simulator: both
// carry out address actions before the next event (see AddressesSeen).
#pragma once

#include <cstdint>
#include <vector>

#include "model/public_address.h"
#include "proto/message.h"

namespace tandem::cluster {

struct AddressDrift {
  std::vector<proto::HeldAddress> missing;  // from held
  std::vector<proto::HeldAddress> foreign;  // from the kernel, with the kernel's prefix length

  bool is_empty() const { return missing.empty() && foreign.empty(); }
  friend bool operator==(const AddressDrift&, const AddressDrift&) = default;
};

AddressDrift find_drift(const std::vector<proto::HeldAddress>& held, const AddressList& public_addresses,
                        const std::vector<proto::HeldAddress>& found);

// How often this node repaired its kernel's addresses since it started (for the counters).
struct AddressRepairs {
  std::uint64_t restored = 0;         // missing addresses added again
  std::uint64_t foreign_removed = 0;  // foreign public addresses removed

  friend bool operator==(const AddressRepairs&, const AddressRepairs&) = default;
};

}  // namespace tandem::cluster
