// OrderExecutor: the leader's takeover orders this node is carrying out. PURE.
//
// An order is answered (TakeoverAck) only once its hooks are done, and orders are answered
// in the order they came. This type keeps the orders in progress and two stamps:
//   - the newest run any order named (per leader life): an order of an older run of the
//     same leader life was overtaken and is refused, since carrying it out could undo what
//     the newer run decided;
//   - the newest run whose take this node carried out (applied), which its reports carry
//     so that the leader can tell an older report from a newer one.
// A take order brings its addresses in Arrivals (one per group that arrives), each served
// only once its hooks are done: see Arrival. What an order does to the node's addresses is
// decided in follower_orders.cc.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "model/ids.h"
#include "proto/message.h"

namespace tandem::cluster {

// A group a take order brings to this node (or one address in no group, or one rejoining a
// group this node serves already), on its way to being served. Its stages, in order:
//   kTakeIp       its addresses are added, one takeip hook each;
//   kTakeGroup    once they are all done, its takegroup hook (a group only);
//   kDone         once that is done, the addresses it added are announced: clients are sent
//                 here only when the service (an iSCSI target, say) is ready for them.
// A hook that fails (or an address the kernel refused) sends it instead through
//   kReleaseGroup its releasegroup hook (a group only), as a release order would;
//   kReleaseIp    its addresses are removed, one releaseip hook each; then kDone,
// unannounced, and the order answers with the failure (a failed take, as the leader counts it).
// An arrival abandoned while taking (the lease lapsed, a planned stop) runs no more hooks
// and announces nothing: what it took is released by whatever abandoned it.
struct Arrival {
  enum class Stage { kTakeIp, kTakeGroup, kReleaseGroup, kReleaseIp, kDone };

  std::optional<GroupName> group;          // whose takegroup/releasegroup run; absent: none
  std::vector<proto::TakeoverItem> items;  // the order's addresses of it
  std::set<IpAddress> to_announce;         // those it added (not held before): announced when done
  std::set<std::uint64_t> hooks;           // the current stage's hooks still running
  Stage stage = Stage::kTakeIp;
  bool has_failed = false;
  bool is_abandoned = false;

  // Whether its take hooks may still run: nothing it added may be announced yet.
  bool is_taking() const { return stage == Stage::kTakeIp || stage == Stage::kTakeGroup; }
  bool is_releasing() const { return stage == Stage::kReleaseGroup || stage == Stage::kReleaseIp; }
  bool names(const IpAddress& address) const;
};

// A takeover order this node is carrying out, waiting for its hooks before it answers.
struct OrderInProgress {
  NodeId leader;
  std::uint64_t epoch = 0;
  std::uint64_t run_id = 0;
  proto::TakeoverKind kind = proto::TakeoverKind::kRelease;
  std::set<std::uint64_t> hooks;  // still running
  std::vector<proto::TakeoverFailure> failures;
  // Addresses to remove once the releasegroup hooks have run.
  std::vector<proto::TakeoverItem> to_remove;
  // What a take brings, each on its way to being served (its hooks are in `hooks` too).
  std::vector<Arrival> arrivals;
  // The release of a planned stop (Shutdown): answered with the final report, not an ack.
  bool is_shutdown = false;
};

// A run of one leader's life: (epoch, run_id) grows within it.
struct RunStamp {
  NodeId leader;
  std::uint64_t incarnation = 0;  // the leader's life (membership's incarnation)
  std::uint64_t epoch = 0;
  std::uint64_t run_id = 0;

  friend bool operator==(const RunStamp&, const RunStamp&) = default;
};

class OrderExecutor {
 public:
  // Whether an order of `stamp` may be carried out: it is not older than a run the same
  // leader life already named. An admitted stamp becomes the newest.
  bool admit(const RunStamp& stamp);
  const std::optional<RunStamp>& newest() const { return newest_; }

  // A take of (epoch, run_id) is done: reports vouch for it from now on.
  void record_applied(std::uint64_t epoch, std::uint64_t run_id);
  std::uint64_t applied_epoch() const { return applied_epoch_; }
  std::uint64_t applied_run_id() const { return applied_run_id_; }

  std::deque<OrderInProgress>& orders() { return orders_; }
  const std::deque<OrderInProgress>& orders() const { return orders_; }
  bool is_idle() const { return orders_.empty(); }
  // Whether this very order (a resend) is under way: it is not started again, and is
  // answered when the one under way is done.
  bool is_under_way(NodeId leader, std::uint64_t epoch, std::uint64_t run_id, proto::TakeoverKind kind) const;
  // A hook ended: the first order waiting for it notes a failure (and so does the arrival
  // that ran it, which is then released). False if none waited.
  bool on_hook(std::uint64_t hook, bool ok);
  // The kernel refused to add `address`: an arrival that added it fails.
  void on_add_refused(const IpAddress& address);
  // Every arrival still taking runs no more hooks and announces nothing (lease lost, stop).
  void abandon_arrivals();
  // Every order under way fails (an address operation the kernel refused).
  void fail_all(const proto::TakeoverFailure& failure);
  // The planned stop's own release, if it is under way.
  const OrderInProgress* stop_release() const;
  // Whether an order under way is to remove `address` (its releasegroup hooks still run),
  // or an arrival that failed is releasing it.
  bool is_releasing(const IpAddress& address) const;
  // Whether `address` came with an arrival whose take hooks may still run: it is not to be
  // announced yet (the arrival announces it when they are done).
  bool is_taking(const IpAddress& address) const;

 private:
  std::deque<OrderInProgress> orders_;
  std::optional<RunStamp> newest_;  // the newest run any order of a leader named
  std::uint64_t applied_epoch_ = 0;
  std::uint64_t applied_run_id_ = 0;
};

}  // namespace tandem::cluster
