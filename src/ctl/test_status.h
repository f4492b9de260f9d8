// One cluster, as the leader's StatusReply and this node's context, shared by the ctl tests
// of the status result and its views. It has every case a view must show:
//   node 0  this node, OK, holds group g1 (203.0.113.10 on eth1, 198.51.100.10 on eth2)
//   node 1  DISABLED, eth2 down, holds 203.0.113.30 on eth1
//   node 2  its monitor fails (UNHEALTHY), also holds 203.0.113.30 on eth1: a duplicate,
//           so group g3 is split over nodes 1 and 2; it may host only two addresses
//   node 3  DELETED and disconnected, no report
//   group g2 (203.0.113.20, 198.51.100.20) is not hosted; the leader is node 1, epoch 7.
#pragma once

#include <string_view>

#include "ctl/status_json.h"
#include "proto/message.h"

namespace tandem::ctl::testing {

inline IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }
inline IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }
inline InterfaceName name(std::string_view text) { return InterfaceName(std::string(text)); }

inline std::vector<PublicAddress> full_address_list() {
  return {{prefix("203.0.113.10/24"), {name("eth1"), name("eth2")}},
          {prefix("198.51.100.10/24"), {name("eth2"), name("eth1")}},
          {prefix("203.0.113.20/24"), {name("eth1")}},
          {prefix("198.51.100.20/24"), {name("eth2")}},
          {prefix("203.0.113.30/24"), {name("eth1")}}};
}

inline proto::StatusReply sample_status_reply() {
  proto::NodeStatus node0;
  node0.node = NodeId(0);
  node0.connected = true;
  node0.has_report = true;
  node0.links = {{name("eth1"), LinkState::kUp}, {name("eth2"), LinkState::kUp}};
  node0.held = {{prefix("203.0.113.10/24"), name("eth1")}, {prefix("198.51.100.10/24"), name("eth2")}};
  node0.addresses = full_address_list();

  proto::NodeStatus node1;
  node1.node = NodeId(1);
  node1.connected = true;
  node1.flags = NodeFlags().with(NodeFlags::kDisabled);
  node1.has_report = true;
  node1.links = {{name("eth1"), LinkState::kUp}, {name("eth2"), LinkState::kDown}};
  node1.link_reasons = {{name("eth2"), "no reply from 192.0.2.1, 192.0.2.2 for 3 probes"}};
  node1.held = {{prefix("203.0.113.30/24"), name("eth1")}};
  node1.addresses = full_address_list();

  proto::NodeStatus node2;
  node2.node = NodeId(2);
  node2.connected = true;
  node2.monitor_healthy = false;
  node2.has_report = true;
  node2.links = {{name("eth1"), LinkState::kUp}, {name("eth2"), LinkState::kUp}};
  node2.held = {{prefix("203.0.113.30/24"), name("eth1")}};
  node2.addresses = {{prefix("203.0.113.10/24"), {name("eth1")}}, {prefix("203.0.113.30/24"), {name("eth1")}}};

  proto::NodeStatus node3;
  node3.node = NodeId(3);
  node3.flags = NodeFlags().with(NodeFlags::kDeleted).with(NodeFlags::kDisconnected);

  proto::StatusReply reply;
  reply.request_id = 5;
  reply.epoch = 7;
  reply.answered_by = NodeId(1);
  reply.from_leader = true;
  reply.nodes = {node0, node1, node2, node3};
  return reply;
}

inline StatusContext sample_status_context() {
  StatusContext context;
  context.this_node = NodeId(0);
  context.leader = NodeId(1);
  context.epoch = 7;
  context.node_addresses = {{NodeId(0), ip("192.0.2.1")},
                            {NodeId(1), ip("192.0.2.2")},
                            {NodeId(2), ip("192.0.2.3")},
                            {NodeId(3), ip("192.0.2.4")}};
  context.routing_tables = {{IpAddress::parse("198.51.100.10").value(), 1020}};
  context.groups = {
      IpGroup{GroupName("g1"), {{ip("203.0.113.10"), name("eth1")}, {ip("198.51.100.10"), name("eth2")}}},
      IpGroup{GroupName("g2"),
              {{ip("203.0.113.20"), std::nullopt}, {ip("198.51.100.20"), std::nullopt}},
              PathLossPolicy::kStay},
      IpGroup{GroupName("g3"), {{ip("203.0.113.30"), std::nullopt}}},
  };
  return context;
}

inline nlohmann::json sample_status_json() { return status_to_json(sample_status_reply(), sample_status_context()); }

}  // namespace tandem::ctl::testing
