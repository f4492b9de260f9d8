// ClusterStatus: the `status` result as the tool reads it back, checked once, so that the
// views (status_views.h) are plain functions of values and never meet a malformed reply.
//
// The schema is docs/design/control-protocol.md's; status_json.h writes it in the daemon.
// Reading is lenient about keys it does not know (a newer daemon may add some) and strict
// about the ones it needs: each error names its place from the root "result". The arrays
// keep the reply's order, so element i here is element i of the JSON.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"

namespace tandem::ctl {

struct StatusInterface {
  std::string name;
  std::string link;  // "up", "down" or "unknown"
  std::uint64_t addresses = 0;
  std::optional<std::string> reason;  // why a down link is down, when the node said

  friend bool operator==(const StatusInterface&, const StatusInterface&) = default;
};

struct StatusNode {
  std::uint32_t pnn = 0;
  std::optional<std::string> address;  // from the nodes file
  bool connected = false;
  std::vector<std::string> flags;  // CTDB's names; empty: OK
  bool healthy = true;
  bool has_report = false;
  bool this_node = false;
  std::vector<StatusInterface> interfaces;

  bool has_flag(std::string_view flag) const;
  friend bool operator==(const StatusNode&, const StatusNode&) = default;
};

struct StatusHolding {
  std::uint32_t pnn = 0;
  std::string interface;

  friend bool operator==(const StatusHolding&, const StatusHolding&) = default;
};

struct StatusCandidate {
  std::uint32_t pnn = 0;
  std::vector<std::string> interfaces;

  friend bool operator==(const StatusCandidate&, const StatusCandidate&) = default;
};

struct StatusAddress {
  std::string address;
  std::uint64_t prefix = 0;
  std::optional<StatusHolding> holder;  // "node" and "interface"; none when not hosted
  std::vector<StatusHolding> also_on;   // other nodes that hold it too: a fault
  std::optional<std::string> group;
  std::optional<std::uint64_t> table;  // its source-routing table ([routing]); none: not routed
  std::vector<StatusCandidate> candidates;

  // Whether `pnn` may host it or holds it.
  bool concerns(std::uint32_t pnn) const;
  friend bool operator==(const StatusAddress&, const StatusAddress&) = default;
};

struct StatusGroup {
  std::string name;
  std::optional<std::uint32_t> node;  // none: not hosted, or split
  std::vector<std::uint32_t> nodes;   // every node holding any of its addresses
  std::vector<std::string> addresses;

  friend bool operator==(const StatusGroup&, const StatusGroup&) = default;
};

struct ClusterStatus {
  std::uint32_t this_node = 0;
  std::optional<std::uint32_t> leader;
  std::uint64_t epoch = 0;
  bool from_leader = false;
  std::vector<StatusNode> nodes;
  std::vector<StatusAddress> addresses;
  std::vector<StatusGroup> groups;

  const StatusNode* find_node(std::uint32_t pnn) const;
  const StatusAddress* find_address(std::string_view address) const;
  friend bool operator==(const ClusterStatus&, const ClusterStatus&) = default;
};

Result<ClusterStatus> read_cluster_status(const nlohmann::json& result);

}  // namespace tandem::ctl
