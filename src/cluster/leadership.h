// Leadership: who this node follows, or whether it stands or leads, with the epoch and
// the votes. PURE.
//
// The role is one value, a variant: each alternative holds what only it has.
//   Follower  - the leader followed (if any) and when it was last heard; when to stand.
//   Candidate - the epoch it stands for and the votes it has (leadership by vote only).
//   Leader    - everything a leader keeps: reports, takeover runs, bans, pins.
// Transitions, as etcd's raft:
//   Follower --stand()--> Candidate --give_up()--> Follower
//   Follower/Candidate --become_leader()--> Leader --step_down()--> Follower
//   Follower/Candidate --follow()--> Follower (of a node that claims a newer or equal epoch)
// Any other transition is a bug and a failed TANDEM_CHECK (a leader never follows or
// stands without stepping down first). The epoch only grows, and a node votes once per
// epoch: never for an epoch at or below one it voted in or has seen.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <variant>
#include <vector>

#include "base/time.h"
#include "cluster/bans.h"
#include "cluster/takeover_driver.h"
#include "model/durable_state.h"
#include "model/ids.h"
#include "proto/message.h"

namespace tandem::cluster {

struct Follower {
  std::optional<NodeId> leader;  // never this node
  TimePoint leader_heard = kTimeZero;
  // When to stand for election (by vote) if no leader is found by then; unset: not planned.
  TimePoint election_at = TimePoint::max();
};

struct Candidate {
  std::uint64_t epoch = 0;
  std::set<NodeId> votes;  // with its own
  TimePoint deadline;      // the election fails unless won by then
};

struct Leader {
  explicit Leader(TimePoint now) : since(now), runs(now) {}

  TimePoint since;
  TakeoverDriver runs;
  std::map<NodeId, proto::StateReport> reports;        // this epoch's, newest applied run wins
  std::map<NodeId, std::uint64_t> report_incarnation;  // the node's life each report is from (0: not heard yet)
  std::set<NodeId> alive;                              // as of the last step: a change wants a run
  std::set<NodeId> frozen;
  Bans bans;
  // Takes sent whose effect a later report has not confirmed yet: the node may hold them.
  std::map<NodeId, std::pair<std::uint64_t, std::vector<proto::TakeoverItem>>> unconfirmed_takes;
  // moveip/movegroup: groups (named by one address) put on a node by hand; a pin holds
  // until that node can no longer serve the group as well as any other.
  std::map<IpAddress, NodeId> pinned;
  // This leader is in a planned stop and owes a run, started after the Shutdown, that ends
  // well (it plans the leader's own groups away) before it steps down.
  bool owes_stop_run = false;
  // This leader has renewed its own lease at least once: from then on a lapse of it means
  // the leader went a whole lease without quorum, or its daemon did not run at all.
  bool has_renewed_lease = false;
};

using Role = std::variant<Follower, Candidate, Leader>;

class Leadership {
 public:
  explicit Leadership(NodeId self) : self_(self) {}

  std::uint64_t epoch() const { return epoch_; }
  // The leader followed: this node when it leads, none while it stands.
  std::optional<NodeId> leader() const;
  bool is_leader() const { return std::holds_alternative<Leader>(role_); }
  const Role& role() const { return role_; }
  Leader* leading() { return std::get_if<Leader>(&role_); }
  const Leader* leading() const { return std::get_if<Leader>(&role_); }
  Follower* following() { return std::get_if<Follower>(&role_); }
  const Follower* following() const { return std::get_if<Follower>(&role_); }
  Candidate* standing() { return std::get_if<Candidate>(&role_); }
  const Candidate* standing() const { return std::get_if<Candidate>(&role_); }

  // A newer epoch is seen: the leader followed (of an older one) is followed no more. A
  // leader must step down first.
  void raise_epoch(std::uint64_t seen);
  // `leader` claims the current epoch: follow it from now on.
  void follow(NodeId leader, TimePoint now);
  // The leader followed is lost, or said it leads no more.
  void lose_leader();

  // What a restarted node read from its state directory, before anything else happens:
  // it never votes or stands in, nor leads, an epoch at or below those.
  void restore(const DurableState& durable);
  // What must survive a restart: the highest epoch seen and the highest voted in.
  DurableState durable() const { return DurableState{epoch_, voted_epoch_}; }

  // Votes: one per epoch, never for an epoch seen or voted in, nor before `no_votes_before`
  // (a fresh node, without durable state, sits out one election round: it may have
  // forgotten earlier votes with a wiped disk).
  bool may_vote(std::uint64_t epoch, TimePoint now) const;
  void record_vote(std::uint64_t epoch);
  void no_votes_before(TimePoint when) { no_votes_before_ = when; }
  TimePoint no_votes_before() const { return no_votes_before_; }
  std::uint64_t voted_epoch() const { return voted_epoch_; }

  // Stands for `epoch` (above any seen or voted), voting for itself, until `deadline`.
  void stand(std::uint64_t epoch, TimePoint deadline);
  // A vote for this node's candidacy; the number of votes it has now.
  std::size_t count_vote(NodeId from);
  // The candidacy failed: back to following nobody, standing again at `election_at`.
  void give_up(TimePoint election_at);

  // Leads `new_epoch` (or the current one, if higher) from `now`.
  Leader& become_leader(std::uint64_t new_epoch, TimePoint now);
  void step_down();

 private:
  NodeId self_;
  std::uint64_t epoch_ = 0;        // the highest epoch seen; never decreases
  std::uint64_t voted_epoch_ = 0;  // the highest epoch voted in; never decreases
  TimePoint no_votes_before_ = kTimeZero;
  Role role_ = Follower{};
};

}  // namespace tandem::cluster
