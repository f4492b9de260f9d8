// The world a node acts on, as interfaces: peers, addresses, hooks, the cluster lock, time.
//
// node::Node turns the pure state machine's actions into calls on these and feeds their
// outcomes back as events. sys/ implements them on Linux; sim/ implements them in a
// simulated world. Implementations report outcomes asynchronously by calling back into the
// Node they serve (Node::handle with an Event): never from inside the call itself, so a
// Node is never re-entered.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "model/durable_state.h"
#include "model/hook_event.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/tcp_connection.h"
#include "proto/message.h"

namespace tandem::io {

// Wakes the node at `when` (Event: Tick). A later call replaces an earlier one.
class Timers {
 public:
  virtual ~Timers() = default;
  virtual void wake_at(TimePoint when) = 0;
};

// Best effort, unordered across peers, may lose or duplicate: the protocol copes.
// Delivery: Event PeerMessage{from, message}.
class PeerTransport {
 public:
  virtual ~PeerTransport() = default;
  virtual void send(NodeId to, const proto::Message& message) = 0;
};

// The node's own public addresses in the kernel. Synchronous (netlink answers at once).
class NetOps {
 public:
  virtual ~NetOps() = default;
  virtual Result<void> add_address(const IpPrefix& prefix, const InterfaceName& interface) = 0;
  virtual Result<void> remove_address(const IpPrefix& prefix, const InterfaceName& interface) = 0;
  // ONE gratuitous ARP (IPv4: a request and a reply) or unsolicited neighbour advertisement
  // (IPv6). The node machine decides the repeats (src/cluster/announcement_schedule.h).
  virtual void announce(const IpAddress& address, const InterfaceName& interface) = 0;
  // Every address on the node's public interfaces, managed or not, for start-up clean-up.
  virtual std::vector<proto::HeldAddress> list_addresses() = 0;
};

// The kernel's TCP connections on this node's public addresses (the tickle lists,
// src/cluster/tickle_lists.h). Synchronous: the kernel answers at once.
class TcpConnections {
 public:
  virtual ~TcpConnections() = default;
  // The established TCP connections whose local end is one of `addresses`, the local end
  // as `server`. An error when the kernel could not be asked (nothing is known then).
  virtual Result<std::vector<TcpConnection>> list(const std::vector<IpAddress>& addresses) = 0;
  // Ends every TCP connection whose local end is one of `addresses`, so that their clients
  // reset at once (a planned release). Returns how many were ended; failures are logged.
  virtual std::size_t reset(const std::vector<IpAddress>& addresses) = 0;
  // ONE tickle ACK per connection: a TCP ACK with sequence and acknowledgement numbers 0
  // from its server end to its client end. The client answers with an ACK carrying its
  // real numbers, which the node's kernel (without such a socket) answers with a reset.
  // The node machine decides the repeats (src/cluster/tickle_schedule.h).
  virtual void send_tickles(const std::vector<TcpConnection>& connections) = 0;
};

// The kernel's bound on serving (docs/design/cluster.md, "The kernel's bound"): once
// `until` has passed, the kernel drops the ARP replies, neighbour advertisements and
// traffic of `addresses` (this node's public addresses), whether or not the daemon runs.
// Each call replaces the previous one. An `until` already past stops them serving at once.
// Synchronous; a failure leaves the earlier limit in force, which only ends sooner.
class ServingLimiter {
 public:
  virtual ~ServingLimiter() = default;
  virtual Result<void> limit(TimePoint until, const std::vector<IpAddress>& addresses) = 0;
};

// The node's state directory: what must survive a restart of the daemon
// (cluster::PersistState, docs/design/cluster.md "Durable state"). Synchronous: success
// means the state is on disk (written, synced, renamed into place, directory synced), so
// the node layer carries out nothing after it before it returns.
class DurableStore {
 public:
  virtual ~DurableStore() = default;
  virtual Result<void> save(const DurableState& state) = 0;
};

// Reachability probes (src/cluster/reachability.h): ONE ARP request (IPv4) or neighbour
// solicitation (IPv6) for `target`, sent out of `interface` alone. An answer from `target`
// heard on that interface comes back later as Event ProbeAnswered{interface, target}, once
// per answer. Best effort: a probe that cannot be sent is simply never answered (a miss).
class Prober {
 public:
  virtual ~Prober() = default;
  virtual void probe(const InterfaceName& interface, const IpAddress& target) = 0;
};

// Runs every hook for `event` with `arguments`; completion: Event HookFinished{id, ok}.
// A hook that exceeds its timeout is killed and reported as failed.
class HookRunner {
 public:
  virtual ~HookRunner() = default;
  virtual void run(std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) = 0;
};

// The cluster lock. Outcomes: Event LockChanged{kHeld | kContended | kLost}.
class ClusterLock {
 public:
  virtual ~ClusterLock() = default;
  virtual void try_acquire() = 0;
  virtual void release() = 0;
};

}  // namespace tandem::io
