// SimNetOps: one simulated machine's kernel: its public interfaces with their link states
// and the addresses configured on them.
//
// It enforces the daemon's serving limit (io::ServingLimiter, LimitServing): past it, the
// addresses stay in the table but serve nothing, whether or not the daemon runs.
// It outlives the daemon: a crashed daemon leaves its addresses here (they still answer)
// until the stop clean-up removes them, and a restarted daemon finds them with
// list_addresses(). Power loss clears it. Faults can make adds or removals fail; a
// test-only option defers removals, to prove the invariants catch "take before release".
// Every change is reported to a KernelObserver (the world), which checks the invariants at
// the very instant of the change, not just after the event.
#pragma once

#include <map>
#include <vector>

#include "io/interfaces.h"
#include "model/cluster_view.h"
#include "sim/sim_event.h"

namespace tandem::sim {

class KernelObserver {
 public:
  virtual ~KernelObserver() = default;
  virtual void address_added(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) = 0;
  virtual void address_removed(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) = 0;
  virtual void removal_deferred(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) = 0;
  virtual void announced(NodeIndex node, const IpAddress& address, const InterfaceName& interface) = 0;
  // The daemon told the kernel until when its addresses serve (`until` on the node's clock).
  virtual void serving_limited(NodeIndex node, TimePoint until) = 0;
  // The daemon sent one tickle ACK for each of `connections`, all to `address`.
  virtual void tickled(NodeIndex node, const IpAddress& address, const std::vector<TcpConnection>& connections) = 0;
  // The daemon ended the TCP connections to `addresses` (a planned release).
  virtual void connections_reset(NodeIndex node, const std::vector<IpAddress>& addresses) = 0;
};

struct KernelFaults {
  bool adds_fail = false;
  bool removals_fail = false;  // "a node that cannot release"
  bool removals_late = false;  // test only: a removal reports success but happens later
};

// The simulated clients: each public address this kernel holds has one established TCP
// connection, from the client client_of(address) (a fixed address of the address's
// family and a port derived from it), to port kSimServicePort.
inline constexpr std::uint16_t kSimServicePort = 3260;
TcpConnection sim_connection_to(const IpAddress& address);

class SimNetOps final : public io::NetOps, public io::ServingLimiter, public io::TcpConnections {
 public:
  SimNetOps(NodeIndex node, std::vector<InterfaceName> interfaces, KernelObserver& observer);

  Result<void> add_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  Result<void> remove_address(const IpPrefix& prefix, const InterfaceName& interface) override;
  void announce(const IpAddress& address, const InterfaceName& interface) override;
  std::vector<proto::HeldAddress> list_addresses() override { return held_; }
  Result<void> limit(TimePoint until, const std::vector<IpAddress>& addresses) override;
  // The simulated clients' connections to the held addresses among `addresses`.
  Result<std::vector<TcpConnection>> list(const std::vector<IpAddress>& addresses) override;
  std::size_t reset(const std::vector<IpAddress>& addresses) override;
  void send_tickles(const std::vector<TcpConnection>& connections) override;

  // For the world: outside the daemon's view.
  const std::vector<proto::HeldAddress>& held() const { return held_; }
  const std::map<InterfaceName, LinkState>& links() const { return links_; }
  bool is_up(const InterfaceName& interface) const;
  void set_link(const InterfaceName& interface, LinkState state) { links_[interface] = state; }
  void set_faults(const KernelFaults& faults) { faults_ = faults; }
  const KernelFaults& faults() const { return faults_; }
  // The removal the kernel does now, whatever the faults (late removals, clean-up, power loss).
  void remove_now(const IpPrefix& prefix, const InterfaceName& interface);
  void clear();
  // How many additions this kernel has made, ever: lets the world see whether an event added any.
  std::uint64_t additions() const { return additions_; }

 private:
  NodeIndex node_;
  KernelObserver& observer_;
  std::map<InterfaceName, LinkState> links_;
  std::vector<proto::HeldAddress> held_;
  KernelFaults faults_;
  std::uint64_t additions_ = 0;
};

}  // namespace tandem::sim
