// Assignment: for every public IP, the node and interface that host it, or none and why.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/ids.h"
#include "model/ip_address.h"

namespace tandem {

struct Placement {
  NodeId node;
  InterfaceName interface;

  friend auto operator<=>(const Placement&, const Placement&) = default;
  friend bool operator==(const Placement&, const Placement&) = default;
};

struct IpAssignment {
  IpAddress address;
  std::optional<Placement> placement;  // nullopt: not hosted
  std::string unhosted_reason;         // set exactly when placement is nullopt

  friend bool operator==(const IpAssignment&, const IpAssignment&) = default;
};

// Sorted by address, one entry per address; lookups are binary searches.
class Assignment {
 public:
  Assignment() = default;
  explicit Assignment(std::vector<IpAssignment> ips);  // sorts; duplicates are a bug

  const std::vector<IpAssignment>& ips() const { return ips_; }
  const IpAssignment* find(const IpAddress& address) const;
  std::optional<Placement> placement_of(const IpAddress& address) const;

  // Addresses whose placement differs between the two (hosted, unhosted, node or interface).
  friend std::size_t count_moves(const Assignment& from, const Assignment& to);

  friend bool operator==(const Assignment&, const Assignment&) = default;

 private:
  std::vector<IpAssignment> ips_;
};

}  // namespace tandem
