// The query verbs' outputs, computed from the `status` result alone (the tool only ever
// has that JSON): status, ip, ipinfo, ifaces, groups, listnodes and leader.
//
// Each view gives both forms: `text`, stable and CTDB-like where CTDB has the verb (scripts
// parse it; change it only with the golden tests in status_views_test.cc), and `json`, the
// part of the result the verb is about, for --json. A view fails (and the tool exits 1)
// when what it was asked about is not there: a node that is not configured, an address
// that no node may host, a node that has not reported (ip, ipinfo, ifaces). Pure.
//
// Text forms (see the tests for complete examples):
//   status     Number of nodes:3 / pnn:0 192.0.2.1        OK (THIS NODE) / Epoch:7 / Leader:1
//              (CTDB's "%-16s" column; DELETED nodes are counted but not listed)
//   ip         Public IPs on node 0 / 203.0.113.10 1 / 203.0.113.11 -1 (unhosted)
//              a duplicate: "203.0.113.10 1 also_on:2"; -n all: "Public IPs on ALL nodes"
//   ip -v      203.0.113.10 node[1] active[eth1] available[eth1] configured[eth1,eth2] group[g1]
//              (available/configured: the shown node's interfaces for the address);
//              with -n all: 203.0.113.10 node[1] active[eth1] group[g1] candidates[0:eth1,eth2;1:eth1]
//   ipinfo     CTDB's key:value lines, then Group:NAME (or Group:-) and AlsoOn:PNN:IFACE,...
//   ifaces     Interfaces on node 0 / name:eth1 link:up references:2
//   groups     name:g1 node:1 / "  203.0.113.10 node:1 interface:eth1" per member;
//              unhosted: node:-1 interface:-; split: "name:g1 node:split nodes:0,2"
//   listnodes  one node address per line (DELETED nodes left out)
//   leader     the leader's PNN (no leader: an error)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "ctl/cluster_status.h"

namespace tandem::ctl {

struct View {
  std::string text;  // ends with a newline unless empty
  nlohmann::json json;
};

// Which node a view shows: this node (none given), one node, or all of them (ip only).
struct NodeChoice {
  bool is_all = false;
  std::optional<std::uint32_t> pnn;

  friend bool operator==(const NodeChoice&, const NodeChoice&) = default;
};

// `result` is the JSON that `status` was read from.
View status_view(const nlohmann::json& result, const ClusterStatus& status);
Result<View> ip_view(const nlohmann::json& result, const ClusterStatus& status, NodeChoice node, bool is_verbose);
Result<View> ipinfo_view(const ClusterStatus& status, std::string_view address, NodeChoice node);
Result<View> ifaces_view(const nlohmann::json& result, const ClusterStatus& status, NodeChoice node);
View groups_view(const nlohmann::json& result, const ClusterStatus& status);
View listnodes_view(const ClusterStatus& status);
Result<View> leader_view(const ClusterStatus& status);

}  // namespace tandem::ctl
