// The catalogue of messages nodes exchange (docs/design/wire-protocol.md), as plain values.
//
// Pure data: each type is regular (copyable, ==) and knows nothing of bytes; payload.h
// encodes and decodes them. A field added to a message in a later minor version must be
// optional on the wire and have a default here, so older peers keep understanding newer
// ones.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "model/cluster_view.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/node_flags.h"
#include "model/tcp_connection.h"
#include "proto/admin_command.h"

namespace tandem::proto {

// The message type on the wire (a u16 in the frame header). Numbers are never reused.
enum class MessageType : std::uint16_t {
  kHeartbeat = 1,
  kStateReport = 2,
  kTakeoverOrder = 3,
  kTakeoverAck = 4,
  kAdminRequest = 5,
  kAdminReply = 6,
  kVoteRequest = 7,
  kVote = 8,
  kStatusRequest = 9,  // added in 1.2
  kStatusReply = 10,   // added in 1.2
  kTickleList = 11,    // added in 1.5
};

// Sent by every node to every peer each heartbeat interval. `last_heard_seq` echoes the
// highest `sent_seq` this node has heard from the receiver (0: none yet), so the receiver
// learns that contact holds in both directions and which of its own heartbeats (and so
// which send time) a leader's heartbeat acknowledges: the lease runs from that send time.
// A group put on a node by hand (moveip/movegroup), named by its first address.
struct Pin {
  IpAddress address;
  NodeId node;

  friend bool operator==(const Pin&, const Pin&) = default;
};

struct Heartbeat {
  std::uint64_t epoch = 0;           // the highest epoch the sender has seen
  std::optional<NodeId> leader;      // the leader the sender follows, if any
  std::uint64_t sent_seq = 0;        // this heartbeat's number, per sender and receiver
  std::uint64_t last_heard_seq = 0;  // the receiver's latest sent_seq heard by the sender
  NodeFlags flags;                   // the sender's own flags
  // Added in 1.1 (optional on the wire, 0 when absent). A node's incarnation changes each
  // time its daemon starts, so sequence numbers of an earlier life are never confused
  // with this one's: `echoed_incarnation` names the receiver's incarnation that
  // `last_heard_seq` belongs to.
  std::uint64_t incarnation = 0;
  std::uint64_t echoed_incarnation = 0;
  // Added in 1.5 (optional): a leader's pins (moveip/movegroup), each group named by its
  // first address, so that the node that leads next keeps them. Sent by a leader only.
  std::vector<Pin> pins = {};

  friend bool operator==(const Heartbeat&, const Heartbeat&) = default;
};

// An address a node holds now, on which interface.
struct HeldAddress {
  IpPrefix prefix;
  InterfaceName interface;

  friend bool operator==(const HeldAddress&, const HeldAddress&) = default;
};

// A node's state, sent to the leader when it changes and when a new leader asks.
struct StateReport {
  std::uint64_t epoch = 0;
  NodeFlags flags;
  std::map<InterfaceName, LinkState> links;
  std::vector<HeldAddress> held;
  bool monitor_healthy = true;          // the monitor hook's last verdict
  std::uint64_t config_generation = 0;  // which configuration the node runs
  // Added in 1.1 (optional on the wire): the public addresses the node may host (its
  // public_addresses file), and the last takeover run whose orders it has carried out, so
  // the leader knows whether `held` already reflects a take it ordered (only takes count).
  std::vector<PublicAddress> addresses;
  std::uint64_t applied_epoch = 0;
  std::uint64_t applied_run_id = 0;
  // Added in 1.3 (optional on the wire, false when absent): the node is in a planned stop.
  // It takes nothing ever again in this life, so `held` lists everything it may hold; the
  // flags say STOPPED too, which is all a 1.2 leader goes by.
  bool shutting_down = false;
  // Added in 1.5 (optional on the wire, per link): why a down link is down, for people
  // ("no carrier", "no reply from 192.0.2.1 for 3 probes"). Only down links have one.
  std::map<InterfaceName, std::string> link_reasons;

  friend bool operator==(const StateReport&, const StateReport&) = default;
};

// The steps of a takeover run, in CTDB's words: release before take; update moves an
// address to another interface of the same node; ipreallocated ends the run.
enum class TakeoverKind : std::uint8_t { kRelease = 1, kTake = 2, kUpdate = 3, kIpReallocated = 4 };

struct TakeoverItem {
  IpPrefix prefix;
  InterfaceName interface;         // for update: the interface the address moves to
  std::optional<GroupName> group;  // absent for an address in no group

  friend bool operator==(const TakeoverItem&, const TakeoverItem&) = default;
};

// From the leader to one node. A node refuses an order from an epoch older than the
// highest it has seen.
struct TakeoverOrder {
  std::uint64_t epoch = 0;
  std::uint64_t run_id = 0;
  TakeoverKind kind = TakeoverKind::kRelease;
  std::vector<TakeoverItem> items;  // empty for ipreallocated

  friend bool operator==(const TakeoverOrder&, const TakeoverOrder&) = default;
};

// Why a takeover step failed, for the leader to decide by (ban credits, the planned stop);
// the text beside it is for people. On the wire since 1.4 (TakeoverAck failure field 3).
enum class FailureCause : std::uint8_t {
  kUnknown = 0,        // a cause this version does not know (a newer peer's), or none given
  kShuttingDown = 1,   // the node is in a planned stop: no misbehaviour
  kNoLease = 2,        // the node may not serve (no lease, banned, stopped): no misbehaviour
  kHookFailed = 3,     // a hook of the step failed or timed out
  kNotHeld = 4,        // an update named an address the node does not hold
  kAddressFailed = 5,  // the kernel refused to add or remove an address
};

// Whether `cause` says the node could not serve, which is no misbehaviour: no ban credit.
bool is_no_misbehaviour(FailureCause cause);

struct TakeoverFailure {
  IpAddress address;
  FailureCause cause = FailureCause::kUnknown;
  std::string reason;  // for people; at most kTextMax bytes

  friend bool operator==(const TakeoverFailure&, const TakeoverFailure&) = default;
};

// A node's answer to one TakeoverOrder, naming the same epoch, run and kind.
struct TakeoverAck {
  std::uint64_t epoch = 0;
  std::uint64_t run_id = 0;
  TakeoverKind kind = TakeoverKind::kRelease;
  bool ok = true;
  std::vector<TakeoverFailure> failures;

  friend bool operator==(const TakeoverAck&, const TakeoverAck&) = default;
};

// An admin command forwarded by the node that received it to the leader.
struct AdminRequest {
  std::uint64_t request_id = 0;
  AdminCommand command;

  friend bool operator==(const AdminRequest&, const AdminRequest&) = default;
};

// The leader's answer: success, or a clear refusal in `message`.
struct AdminReply {
  std::uint64_t request_id = 0;
  bool ok = true;
  std::string message;  // at most kTextMax bytes

  friend bool operator==(const AdminReply&, const AdminReply&) = default;
};

// The lock-less election: a candidate asks for votes in a new epoch; a node that grants
// its one vote of that epoch answers with a Vote naming the candidate.
struct VoteRequest {
  std::uint64_t epoch = 0;
  NodeId candidate;

  friend bool operator==(const VoteRequest&, const VoteRequest&) = default;
};

struct Vote {
  std::uint64_t epoch = 0;
  NodeId candidate;

  friend bool operator==(const Vote&, const Vote&) = default;
};

// Added in 1.2: the cluster as its leader sees it, for the CLI's status, ip, ifaces and
// groups. A node forwards its control socket's question to the leader, as it does admin
// commands; the leader answers from its membership and this epoch's state reports.
struct StatusRequest {
  std::uint64_t request_id = 0;

  friend bool operator==(const StatusRequest&, const StatusRequest&) = default;
};

// One node as the answering node sees it. `connected` and `flags` come from membership;
// the rest from the node's latest state report (empty when none has arrived).
struct NodeStatus {
  NodeId node;
  bool connected = false;
  NodeFlags flags;
  bool monitor_healthy = true;
  bool has_report = false;  // false: links, held and addresses are unknown
  std::map<InterfaceName, LinkState> links;
  std::vector<HeldAddress> held;
  std::vector<PublicAddress> addresses;               // what it may host (its public_addresses)
  std::map<InterfaceName, std::string> link_reasons;  // 1.5: as StateReport's

  friend bool operator==(const NodeStatus&, const NodeStatus&) = default;
};

struct StatusReply {
  std::uint64_t request_id = 0;
  std::uint64_t epoch = 0;
  NodeId answered_by;
  bool from_leader = false;       // false: no leader was reachable; only the answering node's own
                                  // state is known for certain
  std::vector<NodeStatus> nodes;  // every configured node, by NodeId

  friend bool operator==(const StatusReply&, const StatusReply&) = default;
};

// Added in 1.5: the established TCP connections to one public IP as its holder last listed
// them (its tickle list, src/cluster/tickle_lists.h), sent by the holder to every peer when
// the list changes and now and then besides, so that whichever node takes the IP over
// after a failure can tickle them. Every connection's server address is `address`; at
// most kTickleConnectionsMax of them.
struct TickleList {
  IpAddress address;
  std::vector<TcpConnection> connections;

  friend bool operator==(const TickleList&, const TickleList&) = default;
};

// The order of the alternatives follows MessageType (message_type() relies on it).
using Message = std::variant<Heartbeat, StateReport, TakeoverOrder, TakeoverAck, AdminRequest, AdminReply, VoteRequest,
                             Vote, StatusRequest, StatusReply, TickleList>;

MessageType message_type(const Message& message);
// "Heartbeat", "TakeoverOrder", ...: the first word of every error about a payload.
std::string_view message_name(MessageType type);
bool is_known_message_type(std::uint16_t type);

}  // namespace tandem::proto
