// FailoverMeter: simulated failover times, measured from outside the nodes.
//
//   NIC failover: from a link going down on an interface that holds public IPs to the
//     moment every one of those IPs is configured on another up interface of the same node.
//   Node failover: from a node's power loss to the moment every address it held is
//     configured on some other node.
//   Planned stop: the same, from the Shutdown (SIGTERM) of the node's daemon.
// A measurement is dropped when another fault comes before it completes (it would measure
// the overlap of two faults, not one failover) or when it has not completed in `give_up`.
#pragma once

#include <set>
#include <vector>

#include "base/time.h"
#include "proto/message.h"
#include "sim/sim_event.h"

namespace tandem::sim {

class FailoverMeter {
 public:
  explicit FailoverMeter(Duration give_up) : give_up_(give_up) {}

  void link_down(TimePoint at, NodeIndex node, const InterfaceName& interface,
                 const std::vector<proto::HeldAddress>& held);
  void power_lost(TimePoint at, NodeIndex node, const std::vector<proto::HeldAddress>& held);
  void planned_stop(TimePoint at, NodeIndex node, const std::vector<proto::HeldAddress>& held);
  // Another fault local to `node` (a link, a hook, its kernel): drops that node's pending
  // NIC failovers. Node failovers go on: a link elsewhere does not change who takes over.
  void fault(TimePoint at, NodeIndex node);
  // A fault of the cluster (power, crash, network, lock, admin): drops every pending one.
  void fault_anywhere(TimePoint at);
  // `interface_up`: whether the interface the address was added on is up.
  void address_added(TimePoint at, NodeIndex node, const IpAddress& address, const InterfaceName& interface,
                     bool interface_up);

  const std::vector<Duration>& interface_samples() const { return interface_samples_; }
  const std::vector<Duration>& node_samples() const { return node_samples_; }
  const std::vector<Duration>& stop_samples() const { return stop_samples_; }

 private:
  struct Pending {
    TimePoint start;
    NodeIndex node = 0;
    InterfaceName interface;  // for a link failover: the interface that went down
    std::set<IpAddress> waiting;
  };

  void expire(TimePoint at);
  // Settles the pending node failovers of `pending` that `address` on `node` completes.
  static void settle(std::vector<Pending>& pending, std::vector<Duration>& samples, TimePoint at, NodeIndex node,
                     const IpAddress& address);

  Duration give_up_;
  std::vector<Pending> interface_pending_;
  std::vector<Pending> node_pending_;
  std::vector<Duration> interface_samples_;
  std::vector<Duration> node_samples_;
  std::vector<Pending> stop_pending_;
  std::vector<Duration> stop_samples_;
};

// The p-th percentile (0..100) by nearest rank, in milliseconds; samples not empty.
double percentile_ms(std::vector<Duration> samples, double p);

}  // namespace tandem::sim
