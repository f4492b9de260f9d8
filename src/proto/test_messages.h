// Example messages and byte helpers shared by the proto tests.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "proto/frame.h"
#include "proto/message.h"

namespace tandem::proto::testing {

inline IpAddress v4(std::string_view text) { return IpAddress::parse(text).value(); }
inline IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }

inline Heartbeat sample_heartbeat() {
  return Heartbeat{7,
                   NodeId(2),
                   41,
                   39,
                   NodeFlags().with(NodeFlags::kDisabled),
                   0xabcdef,
                   0x123456,
                   {Pin{v4("198.51.100.10"), NodeId(1)}, Pin{IpAddress::parse("2001:db8::10").value(), NodeId(0)}}};
}

inline StateReport sample_state_report() {
  StateReport report;
  report.epoch = 7;
  report.flags = NodeFlags().with(NodeFlags::kUnhealthy);
  report.links = {{InterfaceName("eth1"), LinkState::kUp}, {InterfaceName("eth2"), LinkState::kDown}};
  report.link_reasons = {{InterfaceName("eth2"), "no carrier"}};
  report.held = {{prefix("198.51.100.10/24"), InterfaceName("eth1")},
                 {prefix("2001:db8::10/64"), InterfaceName("eth1")}};
  report.monitor_healthy = false;
  report.config_generation = 12;
  report.addresses = {{prefix("198.51.100.10/24"), {InterfaceName("eth1"), InterfaceName("eth2")}},
                      {prefix("2001:db8::10/64"), {InterfaceName("eth2")}}};
  report.applied_epoch = 7;
  report.applied_run_id = 1000;
  return report;
}

inline TakeoverOrder sample_takeover_order() {
  TakeoverOrder order;
  order.epoch = 7;
  order.run_id = 1001;
  order.kind = TakeoverKind::kTake;
  order.items = {{prefix("198.51.100.10/24"), InterfaceName("eth1"), GroupName("target1")},
                 {prefix("198.51.100.11/24"), InterfaceName("eth2"), GroupName("target1")},
                 {prefix("2001:db8::20/64"), InterfaceName("eth2"), std::nullopt}};
  return order;
}

inline TakeoverAck sample_takeover_ack() {
  return TakeoverAck{7,
                     1001,
                     TakeoverKind::kTake,
                     false,
                     {{v4("198.51.100.11"), FailureCause::kAddressFailed, "interface eth2 is down"}}};
}

inline AdminRequest sample_admin_request() { return AdminRequest{5, MoveIp{v4("198.51.100.10"), NodeId(3)}}; }

// Two nodes: one fully reported, one known only from membership.
inline StatusReply sample_status_reply() {
  NodeStatus reported;
  reported.node = NodeId(0);
  reported.connected = true;
  reported.flags = NodeFlags().with(NodeFlags::kDisabled);
  reported.monitor_healthy = false;
  reported.has_report = true;
  reported.links = {{InterfaceName("eth1"), LinkState::kUp}, {InterfaceName("eth2"), LinkState::kDown}};
  reported.link_reasons = {{InterfaceName("eth2"), "no reply from 192.0.2.1 for 3 probes"}};
  reported.held = {{prefix("198.51.100.10/24"), InterfaceName("eth1")},
                   {prefix("2001:db8::10/64"), InterfaceName("eth1")}};
  reported.addresses = {{prefix("198.51.100.10/24"), {InterfaceName("eth1"), InterfaceName("eth2")}},
                        {prefix("2001:db8::10/64"), {InterfaceName("eth2")}}};
  NodeStatus unreported;
  unreported.node = NodeId(3);
  unreported.flags = NodeFlags().with(NodeFlags::kDisconnected);
  return StatusReply{6, 7, NodeId(0), true, {reported, unreported}};
}

inline TickleList sample_tickle_list() {
  return TickleList{IpAddress::parse("198.51.100.10").value(),
                    {TcpConnection::parse("198.51.100.10:3260 203.0.113.7:51234").value(),
                     TcpConnection::parse("198.51.100.10:3260 203.0.113.8:40000").value()}};
}

inline std::vector<Message> sample_messages() {
  return {sample_heartbeat(),        sample_state_report(),  sample_takeover_order(),
          sample_takeover_ack(),     sample_admin_request(), AdminReply{5, false, "node 3 is banned"},
          VoteRequest{8, NodeId(1)}, Vote{8, NodeId(1)},     StatusRequest{6},
          sample_status_reply(),     sample_tickle_list()};
}

inline Envelope envelope_of(Message message) {
  Envelope envelope;
  envelope.sender = NodeId(1);
  envelope.receiver = NodeId(2);
  envelope.sequence = 99;
  envelope.message = std::move(message);
  return envelope;
}

}  // namespace tandem::proto::testing
