// TakeoverWatch: what moved, from where to where and why, seen from the node layer.
//
// The state machine decides takeover runs and local failovers; this watches the Events
// going in and the Actions coming out (it never looks inside the machine) and turns them
// into MoveRecords: one per finished takeover run (on the leader) and one per local
// failover (on the node whose link changed). Pure: time comes with each call.
//
// How it sees a takeover run, on the leader:
//  - the machine's Log lines that start and end a run carry a RunMilestone (starts, done,
//    failed, with the run's id): the watch reads that value, never the line's words;
//  - at the start the Node asks the machine for its status (a StatusQuery with an id of
//    its own, kWatchStatusIdBase and up): the leader's view before anything moved, giving
//    where each address was and each node's flags and links;
//  - that view comes after the batch that started the run, so the leader's own entries in
//    it may already show its own takes: they are not taken for where an address was;
//  - a node the leader has given up on (its lease waited out) is left out of that view's
//    holdings, so where an address was falls back to the last StateReport (a PeerMessage
//    going into the machine) that listed it;
//  - the run's release, take and update orders (SendMessage of a TakeoverOrder to a peer,
//    AddAddress and RemoveAddress for the leader's own node) say what goes where.
// Why an address moved is read from the view before the run: the node it left was
// disconnected, banned, stopped, disabled or unhealthy, or its interface was down; else it
// moved by rebalancing, failback or an administrator's moveip/movegroup.
// A local failover is a LinkChanged event answered by RemoveAddress and AddAddress of one
// address on two interfaces of this node.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "cluster/action.h"
#include "cluster/event.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/ip_group.h"
#include "proto/message.h"

namespace tandem::node {

// Status questions the Node asks for the watch carry ids from here up; the daemon's own
// requests count from 1 and never get near it.
inline constexpr std::uint64_t kWatchStatusIdBase = std::uint64_t{1} << 62;

struct AddressPlace {
  NodeId node;
  InterfaceName interface;

  friend bool operator==(const AddressPlace&, const AddressPlace&) = default;
};

struct Move {
  IpPrefix prefix;
  std::optional<GroupName> group;
  std::optional<AddressPlace> from;  // none: it was not hosted
  std::optional<AddressPlace> to;    // none: released and not hosted now
  std::string why;

  friend bool operator==(const Move&, const Move&) = default;
};

struct MoveRecord {
  enum class Kind : std::uint8_t { kTakeoverRun, kLocalFailover };
  Kind kind = Kind::kTakeoverRun;
  std::uint64_t run_id = 0;  // takeover runs only
  TimePoint started;
  TimePoint ended;
  std::string cause;  // what started it
  bool ok = true;
  std::vector<Move> moves;  // sorted by address

  friend bool operator==(const MoveRecord&, const MoveRecord&) = default;
};

// "takeover run 7: 203.0.113.10/24 (group g1) from node 1 eth1 to node 2 eth2: node 1 is
// disconnected"; a local failover reads "local failover: ... from node 0 eth1 to node 0 eth2: ...".
std::string describe(const MoveRecord& record, const Move& move);

// Why an event happened, in a few words, for a run's cause ("interface eth1 down",
// "a report from node 2", "an administrator's moveip", "a timer").
std::string cause_of(const cluster::Event& event);

class TakeoverWatch {
 public:
  // `groups`: the IP groups, to name the group of the leader's own orders (a Reconfigure
  // event brings new ones).
  TakeoverWatch(NodeId self, std::vector<IpGroup> groups) : self_(self), groups_(std::move(groups)) {}

  // One event and the actions the machine answered it with. Returns a status question to
  // feed the machine when a run has just started (its ReplyStatus goes to on_status()).
  std::optional<cluster::StatusQuery> observe(const cluster::Event& event, const std::vector<cluster::Action>& actions,
                                              TimePoint now);
  // The answer to the question observe() asked.
  void on_status(const proto::StatusReply& status);

  // This node no longer leads: a run still open ends as failed (its moves so far recorded).
  void leadership_lost(TimePoint now);

  // Records finished since the last call, oldest first.
  std::vector<MoveRecord> take_finished();

 private:
  struct OpenRun {
    MoveRecord record;
    std::optional<proto::StatusReply> before;
    std::map<IpAddress, std::pair<AddressPlace, proto::TakeoverItem>> releases;
    std::map<IpAddress, std::pair<AddressPlace, proto::TakeoverItem>> takes;
    std::map<IpAddress, std::pair<AddressPlace, proto::TakeoverItem>> updates;
  };

  void note_orders(const cluster::Action& action);
  void note_local_failover(const cluster::LinkChanged& change, const std::vector<cluster::Action>& actions,
                           TimePoint now);
  MoveRecord finish(OpenRun run, bool ok, TimePoint now) const;

  std::optional<GroupName> group_of(const IpAddress& address) const;
  std::optional<AddressPlace> last_reported_holder(const IpAddress& address) const;

  NodeId self_;
  std::vector<IpGroup> groups_;
  // What each peer's last StateReport said it holds (bounded by the configured nodes).
  std::map<NodeId, std::vector<proto::HeldAddress>> reported_;
  std::optional<OpenRun> run_;
  std::uint64_t next_status_id_ = kWatchStatusIdBase;
  std::vector<MoveRecord> finished_;
};

}  // namespace tandem::node
