#include "proto/payload.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "base/check.h"
#include "proto/field_writer.h"
#include "proto/fields.h"
#include "proto/limits.h"

namespace tandem::proto {

namespace {

// Field tags, per message. A tag is never reused for another meaning; see the design page.
namespace heartbeat_tag {
enum : FieldTag { kEpoch = 1, kLeader, kSentSeq, kLastHeardSeq, kFlags, kIncarnation, kEchoedIncarnation, kPin };
}
namespace pin_tag {
enum : FieldTag { kAddress = 1, kNode };
}
namespace state_tag {
enum : FieldTag {
  kEpoch = 1,
  kFlags,
  kLink,
  kHeld,
  kMonitorHealthy,
  kConfigGeneration,
  kAddress,
  kAppliedEpoch,
  kAppliedRunId,
  kShuttingDown
};
}
namespace address_tag {
enum : FieldTag { kPrefix = 1, kInterface };
}
namespace link_tag {
enum : FieldTag { kInterface = 1, kState, kReason };
}
namespace held_tag {
enum : FieldTag { kPrefix = 1, kInterface };
}
namespace order_tag {
enum : FieldTag { kEpoch = 1, kRunId, kKind, kItem };
}
namespace item_tag {
enum : FieldTag { kPrefix = 1, kInterface, kGroup };
}
namespace ack_tag {
enum : FieldTag { kEpoch = 1, kRunId, kKind, kOk, kFailure };
}
namespace failure_tag {
enum : FieldTag { kAddress = 1, kReason, kCause };
}
namespace request_tag {
enum : FieldTag { kRequestId = 1, kCommand, kNode, kAddress, kGroup, kInterface, kLink, kBanSeconds };
}
namespace reply_tag {
enum : FieldTag { kRequestId = 1, kOk, kMessage };
}
namespace vote_tag {
enum : FieldTag { kEpoch = 1, kCandidate };
}
namespace status_request_tag {
enum : FieldTag { kRequestId = 1 };
}
namespace status_reply_tag {
enum : FieldTag { kRequestId = 1, kEpoch, kAnsweredBy, kFromLeader, kNode };
}
namespace tickle_tag {
enum : FieldTag { kAddress = 1, kConnection };
}
namespace connection_tag {
enum : FieldTag { kServerAddress = 1, kServerPort, kClientAddress, kClientPort };
}
namespace node_status_tag {
enum : FieldTag { kNode = 1, kConnected, kFlags, kMonitorHealthy, kHasReport, kLink, kHeld, kAddress };
}

// ---------------------------------------------------------------------------------------
// Encoding

void put_interface(FieldWriter& out, FieldTag tag, const InterfaceName& name) {
  TANDEM_CHECK(!name.value().empty() && name.value().size() <= kInterfaceNameMax);
  out.text(tag, name.value());
}

void put_group(FieldWriter& out, FieldTag tag, const GroupName& name) {
  TANDEM_CHECK(!name.value().empty() && name.value().size() <= kGroupNameMax);
  out.text(tag, name.value());
}

// Free text longer than the limit is cut rather than refused: a long hook message must
// not stop an acknowledgement.
void put_text(FieldWriter& out, FieldTag tag, const std::string& text) {
  out.text(tag, std::string_view(text).substr(0, kTextMax));
}

void encode(const Heartbeat& message, FieldWriter& out) {
  out.u64(heartbeat_tag::kEpoch, message.epoch);
  if (message.leader) out.node(heartbeat_tag::kLeader, *message.leader);
  out.u64(heartbeat_tag::kSentSeq, message.sent_seq);
  out.u64(heartbeat_tag::kLastHeardSeq, message.last_heard_seq);
  out.u32(heartbeat_tag::kFlags, message.flags.bits());
  if (message.incarnation != 0) out.u64(heartbeat_tag::kIncarnation, message.incarnation);
  if (message.echoed_incarnation != 0) out.u64(heartbeat_tag::kEchoedIncarnation, message.echoed_incarnation);
  for (const auto& pin : message.pins) {
    const auto mark = out.begin_nested(heartbeat_tag::kPin);
    out.address(pin_tag::kAddress, pin.address);
    out.node(pin_tag::kNode, pin.node);
    out.end_nested(mark);
  }
}

// The lists a StateReport and a NodeStatus share, each item nested under `tag`.
// A down link's reason (1.6) is optional: sent only when there is one.
void put_links(FieldWriter& out, FieldTag tag, const std::map<InterfaceName, LinkState>& links,
               const std::map<InterfaceName, std::string>& reasons) {
  for (const auto& [interface, state] : links) {
    const auto mark = out.begin_nested(tag);
    put_interface(out, link_tag::kInterface, interface);
    out.u8(link_tag::kState, static_cast<std::uint8_t>(state));
    if (auto reason = reasons.find(interface); reason != reasons.end() && state == LinkState::kDown) {
      put_text(out, link_tag::kReason, reason->second);
    }
    out.end_nested(mark);
  }
}

void put_held(FieldWriter& out, FieldTag tag, const std::vector<HeldAddress>& held) {
  for (const auto& each : held) {
    const auto mark = out.begin_nested(tag);
    out.prefix(held_tag::kPrefix, each.prefix);
    put_interface(out, held_tag::kInterface, each.interface);
    out.end_nested(mark);
  }
}

void put_addresses(FieldWriter& out, FieldTag tag, const std::vector<PublicAddress>& addresses) {
  for (const auto& address : addresses) {
    const auto mark = out.begin_nested(tag);
    out.prefix(address_tag::kPrefix, address.prefix);
    for (const auto& interface : address.interfaces) put_interface(out, address_tag::kInterface, interface);
    out.end_nested(mark);
  }
}

void encode(const StateReport& message, FieldWriter& out) {
  out.u64(state_tag::kEpoch, message.epoch);
  out.u32(state_tag::kFlags, message.flags.bits());
  put_links(out, state_tag::kLink, message.links, message.link_reasons);
  put_held(out, state_tag::kHeld, message.held);
  out.boolean(state_tag::kMonitorHealthy, message.monitor_healthy);
  out.u64(state_tag::kConfigGeneration, message.config_generation);
  put_addresses(out, state_tag::kAddress, message.addresses);
  if (message.applied_epoch != 0) out.u64(state_tag::kAppliedEpoch, message.applied_epoch);
  if (message.applied_run_id != 0) out.u64(state_tag::kAppliedRunId, message.applied_run_id);
  if (message.shutting_down) out.boolean(state_tag::kShuttingDown, true);
}

void encode(const TakeoverOrder& message, FieldWriter& out) {
  out.u64(order_tag::kEpoch, message.epoch);
  out.u64(order_tag::kRunId, message.run_id);
  out.u8(order_tag::kKind, static_cast<std::uint8_t>(message.kind));
  for (const auto& item : message.items) {
    const auto mark = out.begin_nested(order_tag::kItem);
    out.prefix(item_tag::kPrefix, item.prefix);
    put_interface(out, item_tag::kInterface, item.interface);
    if (item.group) put_group(out, item_tag::kGroup, *item.group);
    out.end_nested(mark);
  }
}

void encode(const TakeoverAck& message, FieldWriter& out) {
  out.u64(ack_tag::kEpoch, message.epoch);
  out.u64(ack_tag::kRunId, message.run_id);
  out.u8(ack_tag::kKind, static_cast<std::uint8_t>(message.kind));
  out.boolean(ack_tag::kOk, message.ok);
  for (const auto& failure : message.failures) {
    const auto mark = out.begin_nested(ack_tag::kFailure);
    out.address(failure_tag::kAddress, failure.address);
    put_text(out, failure_tag::kReason, failure.reason);
    if (failure.cause != FailureCause::kUnknown) out.u8(failure_tag::kCause, static_cast<std::uint8_t>(failure.cause));
    out.end_nested(mark);
  }
}

void encode(const AdminRequest& message, FieldWriter& out) {
  const AdminArguments arguments = arguments_of(message.command);
  out.u64(request_tag::kRequestId, message.request_id);
  out.u8(request_tag::kCommand, static_cast<std::uint8_t>(kind_of(message.command)));
  if (arguments.node) out.node(request_tag::kNode, *arguments.node);
  if (arguments.address) out.address(request_tag::kAddress, *arguments.address);
  if (arguments.group) put_group(out, request_tag::kGroup, *arguments.group);
  if (arguments.interface) put_interface(out, request_tag::kInterface, *arguments.interface);
  if (arguments.link) out.u8(request_tag::kLink, static_cast<std::uint8_t>(*arguments.link));
  if (arguments.seconds) out.u32(request_tag::kBanSeconds, *arguments.seconds);
}

void encode(const AdminReply& message, FieldWriter& out) {
  out.u64(reply_tag::kRequestId, message.request_id);
  out.boolean(reply_tag::kOk, message.ok);
  put_text(out, reply_tag::kMessage, message.message);
}

void encode(const VoteRequest& message, FieldWriter& out) {
  out.u64(vote_tag::kEpoch, message.epoch);
  out.node(vote_tag::kCandidate, message.candidate);
}

void encode(const Vote& message, FieldWriter& out) {
  out.u64(vote_tag::kEpoch, message.epoch);
  out.node(vote_tag::kCandidate, message.candidate);
}

void encode(const StatusRequest& message, FieldWriter& out) {
  out.u64(status_request_tag::kRequestId, message.request_id);
}

void encode(const TickleList& message, FieldWriter& out) {
  TANDEM_CHECK(message.connections.size() <= kTickleConnectionsMax);
  out.address(tickle_tag::kAddress, message.address);
  for (const auto& connection : message.connections) {
    const auto mark = out.begin_nested(tickle_tag::kConnection);
    out.address(connection_tag::kServerAddress, connection.server.address);
    out.u32(connection_tag::kServerPort, connection.server.port);
    out.address(connection_tag::kClientAddress, connection.client.address);
    out.u32(connection_tag::kClientPort, connection.client.port);
    out.end_nested(mark);
  }
}

// Each node is a nested item whose own lists nest one level deeper (a fixed depth).
void encode(const StatusReply& message, FieldWriter& out) {
  out.u64(status_reply_tag::kRequestId, message.request_id);
  out.u64(status_reply_tag::kEpoch, message.epoch);
  out.node(status_reply_tag::kAnsweredBy, message.answered_by);
  out.boolean(status_reply_tag::kFromLeader, message.from_leader);
  for (const auto& node : message.nodes) {
    const auto mark = out.begin_nested(status_reply_tag::kNode);
    out.node(node_status_tag::kNode, node.node);
    out.boolean(node_status_tag::kConnected, node.connected);
    out.u32(node_status_tag::kFlags, node.flags.bits());
    out.boolean(node_status_tag::kMonitorHealthy, node.monitor_healthy);
    out.boolean(node_status_tag::kHasReport, node.has_report);
    put_links(out, node_status_tag::kLink, node.links, node.link_reasons);
    put_held(out, node_status_tag::kHeld, node.held);
    put_addresses(out, node_status_tag::kAddress, node.addresses);
    out.end_nested(mark);
  }
}

// ---------------------------------------------------------------------------------------
// Decoding: each reads its fields in a straight line; Fields keeps the first error.

LinkState link_state(Fields& fields, FieldTag tag, std::string_view name) {
  const std::uint8_t value = fields.u8(tag, name);
  if (value > 1) fields.fail_at(name, "unknown link state " + std::to_string(value));
  return value == 1 ? LinkState::kUp : LinkState::kDown;
}

TakeoverKind takeover_kind(Fields& fields, FieldTag tag, std::string_view name) {
  const std::uint8_t value = fields.u8(tag, name);
  if (fields.ok() && (value < 1 || value > 4)) {
    fields.fail_at(name, "unknown takeover kind " + std::to_string(value));
  }
  return fields.ok() ? static_cast<TakeoverKind>(value) : TakeoverKind::kRelease;
}

// A cause this version does not know (a newer minor's) is kUnknown, not an error: a
// newer peer's acknowledgement stays readable, and an unknown cause earns a ban credit.
FailureCause failure_cause(std::uint8_t value) {
  return value >= 1 && value <= 5 ? static_cast<FailureCause>(value) : FailureCause::kUnknown;
}

// A 1.3 peer sends no cause: the two failures whose cause matters to a leader had these
// fixed texts in 1.3. Only for decoding such a peer; nothing decides on text otherwise.
FailureCause cause_of_1_3_text(std::string_view reason) {
  if (reason == "this node is shutting down") return FailureCause::kShuttingDown;
  if (reason == "this node has no lease to serve") return FailureCause::kNoLease;
  return FailureCause::kUnknown;
}

InterfaceName interface_name(Fields& fields, FieldTag tag, std::string_view name) {
  return InterfaceName(fields.identifier(tag, name, kInterfaceNameMax));
}

GroupName group_name(Fields& fields, FieldTag tag, std::string_view name) {
  return GroupName(fields.identifier(tag, name, kGroupNameMax));
}

Heartbeat decode_heartbeat(Fields& fields) {
  Heartbeat message;
  message.epoch = fields.u64(heartbeat_tag::kEpoch, "epoch");
  if (fields.has(heartbeat_tag::kLeader)) message.leader = fields.node(heartbeat_tag::kLeader, "leader");
  message.sent_seq = fields.u64(heartbeat_tag::kSentSeq, "sent_seq");
  message.last_heard_seq = fields.u64(heartbeat_tag::kLastHeardSeq, "last_heard_seq");
  message.flags = NodeFlags(fields.u32(heartbeat_tag::kFlags, "flags"));
  if (fields.has(heartbeat_tag::kIncarnation))
    message.incarnation = fields.u64(heartbeat_tag::kIncarnation, "incarnation");
  if (fields.has(heartbeat_tag::kEchoedIncarnation)) {
    message.echoed_incarnation = fields.u64(heartbeat_tag::kEchoedIncarnation, "echoed_incarnation");
  }
  for (auto& item : fields.items(heartbeat_tag::kPin, "pins")) {
    Pin pin;
    pin.address = item.address(pin_tag::kAddress, "address");
    pin.node = item.node(pin_tag::kNode, "node");
    message.pins.push_back(pin);
    fields.absorb(item);
  }
  return message;
}

// The lists a StateReport and a NodeStatus share (see put_links and its neighbours).
std::map<InterfaceName, LinkState> decode_links(Fields& fields, FieldTag tag,
                                                std::map<InterfaceName, std::string>& reasons) {
  std::map<InterfaceName, LinkState> links;
  for (auto& item : fields.items(tag, "links")) {
    auto interface = interface_name(item, link_tag::kInterface, "interface");
    const LinkState state = link_state(item, link_tag::kState, "state");
    if (item.ok() && !links.emplace(interface, state).second) {
      item.fail_at("interface", "'" + interface.value() + "' is listed twice");
    }
    if (item.has(link_tag::kReason)) {
      std::string reason = item.text(link_tag::kReason, "reason", kTextMax);
      if (item.ok()) reasons[interface] = std::move(reason);
    }
    fields.absorb(item);
  }
  return links;
}

std::vector<HeldAddress> decode_held(Fields& fields, FieldTag tag) {
  std::vector<HeldAddress> out;
  for (auto& item : fields.items(tag, "held")) {
    HeldAddress held;
    held.prefix = item.prefix(held_tag::kPrefix, "address");
    held.interface = interface_name(item, held_tag::kInterface, "interface");
    out.push_back(std::move(held));
    fields.absorb(item);
  }
  return out;
}

// The interfaces of one public address are a repeated field inside its nested item.
std::vector<PublicAddress> decode_addresses(Fields& fields, FieldTag tag) {
  std::vector<PublicAddress> out;
  for (auto& item : fields.items(tag, "addresses")) {
    PublicAddress address;
    address.prefix = item.prefix(address_tag::kPrefix, "address");
    for (auto& name : item.identifiers(address_tag::kInterface, "interfaces", kInterfaceNameMax)) {
      address.interfaces.emplace_back(std::move(name));
    }
    out.push_back(std::move(address));
    fields.absorb(item);
  }
  return out;
}

StateReport decode_state_report(Fields& fields) {
  StateReport message;
  message.epoch = fields.u64(state_tag::kEpoch, "epoch");
  message.flags = NodeFlags(fields.u32(state_tag::kFlags, "flags"));
  message.links = decode_links(fields, state_tag::kLink, message.link_reasons);
  message.held = decode_held(fields, state_tag::kHeld);
  message.monitor_healthy = fields.boolean(state_tag::kMonitorHealthy, "monitor_healthy");
  message.config_generation = fields.u64(state_tag::kConfigGeneration, "config_generation");
  message.addresses = decode_addresses(fields, state_tag::kAddress);
  if (fields.has(state_tag::kAppliedEpoch))
    message.applied_epoch = fields.u64(state_tag::kAppliedEpoch, "applied_epoch");
  if (fields.has(state_tag::kAppliedRunId))
    message.applied_run_id = fields.u64(state_tag::kAppliedRunId, "applied_run_id");
  if (fields.has(state_tag::kShuttingDown))
    message.shutting_down = fields.boolean(state_tag::kShuttingDown, "shutting_down");
  return message;
}

TakeoverOrder decode_takeover_order(Fields& fields) {
  TakeoverOrder message;
  message.epoch = fields.u64(order_tag::kEpoch, "epoch");
  message.run_id = fields.u64(order_tag::kRunId, "run_id");
  message.kind = takeover_kind(fields, order_tag::kKind, "kind");
  for (auto& item : fields.items(order_tag::kItem, "items")) {
    TakeoverItem entry;
    entry.prefix = item.prefix(item_tag::kPrefix, "address");
    entry.interface = interface_name(item, item_tag::kInterface, "interface");
    if (item.has(item_tag::kGroup)) entry.group = group_name(item, item_tag::kGroup, "group");
    message.items.push_back(std::move(entry));
    fields.absorb(item);
  }
  return message;
}

TakeoverAck decode_takeover_ack(Fields& fields) {
  TakeoverAck message;
  message.epoch = fields.u64(ack_tag::kEpoch, "epoch");
  message.run_id = fields.u64(ack_tag::kRunId, "run_id");
  message.kind = takeover_kind(fields, ack_tag::kKind, "kind");
  message.ok = fields.boolean(ack_tag::kOk, "ok");
  for (auto& item : fields.items(ack_tag::kFailure, "failures")) {
    TakeoverFailure failure;
    failure.address = item.address(failure_tag::kAddress, "address");
    failure.reason = item.text(failure_tag::kReason, "reason", kTextMax);
    failure.cause = item.has(failure_tag::kCause) ? failure_cause(item.u8(failure_tag::kCause, "cause"))
                                                  : cause_of_1_3_text(failure.reason);
    message.failures.push_back(std::move(failure));
    fields.absorb(item);
  }
  return message;
}

}  // namespace

namespace {

// The wire's name of an argument, for errors: "AdminRequest.ban_seconds: required by ban".
std::string_view field_name(AdminArgument argument) {
  switch (argument) {
    case AdminArgument::kNode:
      return "node";
    case AdminArgument::kAddress:
      return "address";
    case AdminArgument::kGroup:
      return "group";
    case AdminArgument::kInterface:
      return "interface";
    case AdminArgument::kLink:
      return "link";
    case AdminArgument::kSeconds:
      return "ban_seconds";
  }
  return "command";
}

// Every argument present is read (a malformed one is refused even where the kind does not
// take it, as before commands were typed); make_admin_command() keeps those it takes.
AdminArguments read_admin_arguments(Fields& fields) {
  AdminArguments arguments;
  if (fields.has(request_tag::kNode)) arguments.node = fields.node(request_tag::kNode, "node");
  if (fields.has(request_tag::kAddress)) arguments.address = fields.address(request_tag::kAddress, "address");
  if (fields.has(request_tag::kGroup)) arguments.group = group_name(fields, request_tag::kGroup, "group");
  if (fields.has(request_tag::kInterface)) {
    arguments.interface = interface_name(fields, request_tag::kInterface, "interface");
  }
  if (fields.has(request_tag::kLink)) arguments.link = link_state(fields, request_tag::kLink, "link");
  if (fields.has(request_tag::kBanSeconds)) {
    arguments.seconds = fields.u32(request_tag::kBanSeconds, "ban_seconds");
  }
  return arguments;
}

AdminRequest decode_admin_request(Fields& fields) {
  AdminRequest message;
  message.request_id = fields.u64(request_tag::kRequestId, "request_id");
  const std::uint8_t number = fields.u8(request_tag::kCommand, "command");
  if (!fields.ok()) return message;
  const auto kind = admin_command_kind(number);
  if (!kind) {
    fields.fail_at("command", "unknown admin command " + std::to_string(number));
    return message;
  }
  const AdminArguments arguments = read_admin_arguments(fields);
  if (!fields.ok()) return message;
  auto command = make_admin_command(*kind, arguments);
  if (const auto* missing = std::get_if<AdminArgument>(&command)) {
    fields.fail_at(field_name(*missing), "required by " + std::string(command_word(*kind)));
    return message;
  }
  message.command = std::get<AdminCommand>(std::move(command));
  return message;
}

AdminReply decode_admin_reply(Fields& fields) {
  AdminReply message;
  message.request_id = fields.u64(reply_tag::kRequestId, "request_id");
  message.ok = fields.boolean(reply_tag::kOk, "ok");
  message.message = fields.text(reply_tag::kMessage, "message", kTextMax);
  return message;
}

template <typename VoteMessage>
VoteMessage decode_vote(Fields& fields) {
  VoteMessage message;
  message.epoch = fields.u64(vote_tag::kEpoch, "epoch");
  message.candidate = fields.node(vote_tag::kCandidate, "candidate");
  return message;
}

StatusRequest decode_status_request(Fields& fields) {
  return StatusRequest{fields.u64(status_request_tag::kRequestId, "request_id")};
}

NodeStatus decode_node_status(Fields& item) {
  NodeStatus node;
  node.node = item.node(node_status_tag::kNode, "node");
  node.connected = item.boolean(node_status_tag::kConnected, "connected");
  node.flags = NodeFlags(item.u32(node_status_tag::kFlags, "flags"));
  node.monitor_healthy = item.boolean(node_status_tag::kMonitorHealthy, "monitor_healthy");
  node.has_report = item.boolean(node_status_tag::kHasReport, "has_report");
  node.links = decode_links(item, node_status_tag::kLink, node.link_reasons);
  node.held = decode_held(item, node_status_tag::kHeld);
  node.addresses = decode_addresses(item, node_status_tag::kAddress);
  return node;
}

StatusReply decode_status_reply(Fields& fields) {
  StatusReply message;
  message.request_id = fields.u64(status_reply_tag::kRequestId, "request_id");
  message.epoch = fields.u64(status_reply_tag::kEpoch, "epoch");
  message.answered_by = fields.node(status_reply_tag::kAnsweredBy, "answered_by");
  message.from_leader = fields.boolean(status_reply_tag::kFromLeader, "from_leader");
  for (auto& item : fields.items(status_reply_tag::kNode, "nodes")) {
    NodeStatus node = decode_node_status(item);
    const bool is_repeated = std::any_of(message.nodes.begin(), message.nodes.end(),
                                         [&](const NodeStatus& seen) { return seen.node == node.node; });
    if (item.ok() && is_repeated) item.fail_at("node", std::to_string(node.node.value()) + " is listed twice");
    message.nodes.push_back(std::move(node));
    fields.absorb(item);
  }
  return message;
}

std::uint16_t port(Fields& fields, FieldTag tag, std::string_view name) {
  const std::uint32_t value = fields.u32(tag, name);
  if (fields.ok() && (value == 0 || value > 65535)) {
    fields.fail_at(name, "port " + std::to_string(value) + " is out of range 1..65535");
  }
  return static_cast<std::uint16_t>(value);
}

TickleList decode_tickle_list(Fields& fields) {
  TickleList message;
  message.address = fields.address(tickle_tag::kAddress, "address");
  auto items = fields.items(tickle_tag::kConnection, "connections");
  if (items.size() > kTickleConnectionsMax) {
    fields.fail_at("connections",
                   std::to_string(items.size()) + " connections exceed " + std::to_string(kTickleConnectionsMax));
    return message;
  }
  message.connections.reserve(items.size());
  for (auto& item : items) {
    TcpConnection connection;
    connection.server.address = item.address(connection_tag::kServerAddress, "server_address");
    connection.server.port = port(item, connection_tag::kServerPort, "server_port");
    connection.client.address = item.address(connection_tag::kClientAddress, "client_address");
    connection.client.port = port(item, connection_tag::kClientPort, "client_port");
    if (item.ok() && connection.server.address != message.address) {
      item.fail_at("server_address",
                   connection.server.address.to_string() + " is not the list's address " + message.address.to_string());
    }
    if (item.ok() && connection.client.address.family() != connection.server.address.family()) {
      item.fail_at("client_address", "is not of the server address's family");
    }
    message.connections.push_back(connection);
    fields.absorb(item);
  }
  return message;
}

Message decode_fields(MessageType type, Fields& fields) {
  switch (type) {
    case MessageType::kHeartbeat:
      return decode_heartbeat(fields);
    case MessageType::kStateReport:
      return decode_state_report(fields);
    case MessageType::kTakeoverOrder:
      return decode_takeover_order(fields);
    case MessageType::kTakeoverAck:
      return decode_takeover_ack(fields);
    case MessageType::kAdminRequest:
      return decode_admin_request(fields);
    case MessageType::kAdminReply:
      return decode_admin_reply(fields);
    case MessageType::kVoteRequest:
      return decode_vote<VoteRequest>(fields);
    case MessageType::kVote:
      return decode_vote<Vote>(fields);
    case MessageType::kStatusRequest:
      return decode_status_request(fields);
    case MessageType::kStatusReply:
      return decode_status_reply(fields);
    case MessageType::kTickleList:
      return decode_tickle_list(fields);
  }
  TANDEM_CHECK(false);  // is_known_message_type() was checked first
  return Heartbeat{};
}

}  // namespace

void encode_payload(const Message& message, Writer& out) {
  FieldWriter fields(out);
  std::visit([&](const auto& value) { encode(value, fields); }, message);
}

Result<Message> decode_payload(std::uint16_t type, std::span<const std::uint8_t> payload) {
  if (!is_known_message_type(type)) {
    return fail("frame", "unknown message type " + std::to_string(type));
  }
  const auto known = static_cast<MessageType>(type);
  Fields fields(payload, std::string(message_name(known)));
  Message message = decode_fields(known, fields);
  if (!fields.ok()) return fail(*fields.error());
  return message;
}

}  // namespace tandem::proto
