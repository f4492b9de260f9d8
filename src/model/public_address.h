// PublicAddress: one line of a node's public_addresses file, and the list of them.
#pragma once

#include <memory>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem {

struct PublicAddress {
  IpPrefix prefix;                        // the address and its subnet's length
  std::vector<InterfaceName> interfaces;  // where the node may configure it, in file order

  const IpAddress& address() const { return prefix.address; }
  friend bool operator==(const PublicAddress&, const PublicAddress&) = default;
};

// The public addresses one node may host. Shared between nodes that have the same list
// (the common case: one file for the whole cluster), which lets allocation treat them as
// one class instead of comparing every node's list address by address.
using AddressList = std::vector<PublicAddress>;
using SharedAddressList = std::shared_ptr<const AddressList>;

}  // namespace tandem
