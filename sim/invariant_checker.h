// InvariantChecker: the safety invariants, checked incrementally at every kernel change.
//
//   1. no public IP is served by two nodes at the same instant: configured in both kernels
//      while both kernels' serving limits (LimitServing) let it serve;
//   2. no group is split across nodes at any instant;
//   4. per daemon, the epoch never decreases; no two daemons lead in the same epoch at once;
//      a daemon handed a takeover order older than its epoch configures no address for it;
//   5. a node announces (gratuitous ARP, unsolicited NA) only an address its kernel holds at
//      that instant, on the interface that holds it: a stale announcement sends clients to a
//      node or an interface that no longer serves the address.
// What serves only grows by additions and by a limit that lets a node serve again, so
// checking 1 and 2 at each of those (before any other change) is checking them at every
// instant, including inside one Node::handle(); a limit lapsing only ever stops serving.
// Invariant 3 (convergence) is convergence_check.h.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <vector>

#include "model/ip_group.h"
#include "proto/message.h"
#include "sim/sim_event.h"
#include "sim/violation.h"

namespace tandem::sim {

class InvariantChecker {
 public:
  explicit InvariantChecker(const std::vector<IpGroup>& groups);

  // Every invariant the addition breaks (a take before a release breaks both 1 and 2).
  std::vector<Violation> address_added(TimePoint at, NodeIndex node, const IpAddress& address);
  void address_removed(NodeIndex node, const IpAddress& address);
  // The node's kernel lets its addresses serve until `until` (real time) and no longer.
  // Every invariant broken by addresses it holds serving again (a limit that had lapsed).
  std::vector<Violation> serving_limited(TimePoint at, NodeIndex node, TimePoint until);
  // Invariant 5, for one announcement, against what the node's kernel holds now.
  std::optional<Violation> announced(TimePoint at, NodeIndex node, const IpAddress& address,
                                     const InterfaceName& interface,
                                     const std::vector<proto::HeldAddress>& kernel) const;

  // After each event a daemon handled: its epoch and whether it leads now. `incarnation`
  // tells a restarted daemon from the one before: it starts from the epoch its disk kept,
  // so its epoch goes back only after disk_wiped().
  std::optional<Violation> daemon_state(TimePoint at, NodeIndex node, std::uint64_t incarnation, std::uint64_t epoch,
                                        bool is_leader);
  // The daemon is gone (crash or power loss): it leads nothing any more.
  void daemon_gone(NodeIndex node);
  // The node's durable state is lost: its next daemon may start again from epoch 0.
  void disk_wiped(NodeIndex node) { wiped_.insert(node); }

  // The nodes that hold `address` now (in their kernels, serving or not).
  std::vector<NodeIndex> holders(const IpAddress& address) const;
  // Whether `node`'s kernel lets its addresses serve at `at` (no limit heard: it does).
  bool is_serving(NodeIndex node, TimePoint at) const;

 private:
  struct Holding {
    NodeIndex node = 0;
    std::uint32_t count = 0;  // on how many of the node's interfaces
  };
  struct DaemonEpoch {
    std::uint64_t incarnation = 0;
    std::uint64_t epoch = 0;
  };

  std::vector<Violation> conflicts(TimePoint at, NodeIndex node, const IpAddress& address) const;
  std::optional<Violation> split_check(TimePoint at, NodeIndex node, const IpAddress& address) const;

  std::unordered_map<IpAddress, std::vector<Holding>> holders_;
  std::unordered_map<IpAddress, std::size_t> group_of_;
  std::vector<IpGroup> groups_;
  std::map<NodeIndex, DaemonEpoch> epochs_;
  std::set<NodeIndex> wiped_;                     // nodes whose disk was wiped since their last daemon's report
  std::map<NodeIndex, std::uint64_t> leaders_;    // node -> the epoch it leads
  std::map<NodeIndex, TimePoint> serving_until_;  // real time; a node not listed serves
};

}  // namespace tandem::sim
