// TakeoverDriver: the leader's takeover runs, one at a time. PURE.
//
// A run computes a plan (takeover_plan.h) and carries it out in two phases: every release,
// acknowledged, before any take, so an address is never on two nodes. This type keeps the
// bookkeeping of runs: whether one is wanted and when it may start, the run under way, its
// numbering, and the admin requests (ipreallocate, moveip) answered when it ends. What a run
// orders and to whom is decided by the leader (leader.cc), which owns the cluster's view.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "base/time.h"
#include "cluster/takeover_plan.h"
#include "model/ids.h"

namespace tandem::cluster {

// One takeover run on the leader: release phase, then take phase, then ipreallocated.
struct TakeoverRun {
  enum class Phase : std::uint8_t { kRelease, kTake };

  std::uint64_t id = 0;
  Phase phase = Phase::kRelease;
  TakeoverPlan plan;
  std::set<NodeId> waiting;  // nodes whose acknowledgement of this phase is due
  // Past `deadline` (TakeoverTimeoutMs into the phase) a node that did not answer has
  // failed the step if it is lost; one still heard may be running its hooks and is waited
  // for until `wait_limit` (the phase's bound: see TakeoverTimeoutMs in model/tunables.cc).
  TimePoint deadline;
  TimePoint wait_limit;
  TimePoint resend_at;  // orders are idempotent: unanswered ones are sent again
  bool failed = false;
  // Failed only because nodes in a planned stop refused takes: run again soon, without them.
  bool retry_soon = true;
  bool sees_shutdown = false;  // started after this leader's own Shutdown: plans its groups away
};

class TakeoverDriver {
 public:
  explicit TakeoverDriver(TimePoint now) : next_run_at_(now) {}

  // A change (a report, a node lost or found) wants a run, after the usual spacing.
  void want_run() { wanted_ = true; }
  // A run wanted at once (an admin command, a reload, a planned stop).
  void want_run_now(TimePoint now);
  // Wanted, and the spacing since the last run is over.
  bool is_due(TimePoint now) const { return wanted_ && now >= next_run_at_; }
  bool is_wanted() const { return wanted_; }
  TimePoint next_run_at() const { return next_run_at_; }
  // No run now: the next is looked at from `when` (wanted again only if `want_again`).
  void postpone(TimePoint when, bool want_again);

  const TakeoverRun* run() const { return run_ ? &*run_ : nullptr; }
  TakeoverRun* run() { return run_ ? &*run_ : nullptr; }
  // The leader looks at the wanted run now: wanted no more unless it says so again.
  void take_want() { wanted_ = false; }
  // Starts a run of `plan` (none may be under way) in its first phase.
  TakeoverRun& start(TakeoverPlan plan, bool sees_shutdown);
  // Ends the run under way; the next is wanted at `next_run_at` to confirm its result.
  void end(TimePoint next_run_at);

  // The admin requests answered when the next run ends, by origin node and request id.
  void answer_after_run(NodeId origin, std::uint64_t request_id) { replies_.emplace_back(origin, request_id); }
  std::vector<std::pair<NodeId, std::uint64_t>> take_replies() { return std::exchange(replies_, {}); }

  // When the leader must look at the runs again by itself.
  TimePoint wakeup(TimePoint now) const;

 private:
  std::uint64_t next_run_id_ = 1;  // a leader's runs are numbered from 1, growing
  std::optional<TakeoverRun> run_;
  bool wanted_ = true;
  TimePoint next_run_at_;
  std::vector<std::pair<NodeId, std::uint64_t>> replies_;
};

}  // namespace tandem::cluster
