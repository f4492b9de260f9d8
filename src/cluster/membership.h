// Membership: who this node is in contact with, from heartbeats in both directions. PURE.
//
// A peer counts as alive only while contact holds both ways: we heard from it within
// DeadTimeout, and it has echoed one of our heartbeats sent within DeadTimeout. The echo
// also tells which of our heartbeats a leader acknowledged, and so when that heartbeat was
// sent: the moment a lease runs from.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <vector>

#include "base/time.h"
#include "model/ids.h"
#include "model/node_flags.h"
#include "proto/message.h"

namespace tandem::cluster {

struct PeerState {
  std::uint64_t incarnation = 0;        // its daemon's life; a new one voids all below
  std::optional<TimePoint> last_heard;  // our clock, when its latest heartbeat arrived
  std::uint64_t last_seq_heard = 0;     // its latest sent_seq we heard
  std::uint64_t echoed_seq = 0;         // our latest sent_seq it says it heard
  std::uint64_t epoch = 0;              // the highest epoch it says it has seen
  std::optional<NodeId> leader;         // the leader it says it follows
  NodeFlags flags;
};

class Membership {
 public:
  Membership(NodeId self, std::uint64_t incarnation, std::vector<NodeId> nodes, Duration dead_timeout);

  // Numbers and records a heartbeat round sent at `now`; returns its sequence number.
  std::uint64_t record_sent(TimePoint now);
  // When our heartbeat `seq` was sent, if we still remember it (nullopt for 0 or forgotten).
  std::optional<TimePoint> sent_at(std::uint64_t seq) const;

  void record_heard(NodeId from, const proto::Heartbeat& heartbeat, TimePoint now);
  // The heartbeat we send `peer` now (sequence number `seq`): echoes its latest.
  proto::Heartbeat heartbeat_for(NodeId peer, std::uint64_t seq) const;
  std::uint64_t incarnation() const { return incarnation_; }
  // DeadTimeoutMs changed at runtime (a reload or setvar).
  void set_dead_timeout(Duration dead_timeout) { dead_timeout_ = dead_timeout; }

  bool is_alive(NodeId peer, TimePoint now) const;
  // Alive peers plus self.
  std::size_t contacts(TimePoint now) const;
  std::size_t configured() const { return nodes_.size(); }
  // More than half of the configured nodes (or exactly half, for the lock holder).
  bool has_quorum(TimePoint now, bool holds_lock) const;

  const PeerState* peer(NodeId id) const;
  const std::vector<NodeId>& nodes() const { return nodes_; }
  std::uint64_t highest_epoch_heard() const;

 private:
  NodeId self_;
  std::uint64_t incarnation_;
  std::vector<NodeId> nodes_;
  Duration dead_timeout_;
  std::map<NodeId, PeerState> peers_;
  std::uint64_t next_seq_ = 1;
  // Send times of our recent heartbeat rounds, oldest first; pruned past a few lease spans.
  std::deque<std::pair<std::uint64_t, TimePoint>> sent_;
};

}  // namespace tandem::cluster
