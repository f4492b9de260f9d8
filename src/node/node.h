// Node: a NodeMachine wired to the world through the io interfaces.
//
// The only place where the machine's actions become calls (send, add an address, run a
// hook, take the lock) and where synchronous failures become events again. One event-loop
// thread owns a Node; io implementations call handle() later, never from inside a call.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/node_machine.h"
#include "io/interfaces.h"
#include "node/counters.h"
#include "node/takeover_watch.h"

namespace tandem::node {

struct NodeIo {
  io::Timers& timers;
  io::PeerTransport& transport;
  io::NetOps& net;
  io::HookRunner& hooks;
  io::ClusterLock* lock;  // null when the cluster runs without a lock
  // Answers to local admin commands (cluster::ReplyAdmin); may be empty.
  std::function<void(std::uint64_t request_id, bool ok, const std::string& message)> reply;
  // Answers to local status questions (cluster::ReplyStatus); may be empty.
  std::function<void(std::uint64_t request_id, const proto::StatusReply& status)> status;
  // Log lines (cluster::Log); may be empty.
  std::function<void(const cluster::Log&)> log;
  // A planned stop is over (cluster::ShutdownDone): the owner may end the daemon, after it
  // removed whatever machine().held() still lists. Called from inside handle(), once: the
  // owner must not destroy the Node from inside the call. May be empty.
  std::function<void()> shutdown_done;
  // The kernel's bound on serving (cluster::LimitServing); null where nothing enforces it.
  io::ServingLimiter* limiter = nullptr;
  // The state directory (cluster::PersistState); null where nothing survives a restart.
  io::DurableStore* store = nullptr;
  // Reachability probes (cluster::SendProbe); null where nothing probes.
  io::Prober* prober = nullptr;
  // The TCP connections on the public addresses (cluster::ListConnections,
  // ResetConnections, SendTickles); null where there are none to see (the lists stay empty).
  io::TcpConnections* connections = nullptr;
};

// `notify` hook runs (notify_watch.h) carry ids from here up, apart from the machine's own
// hooks; their HookFinished never reaches the machine. At most kNotifyQueueMax wait.
inline constexpr std::uint64_t kNotifyHookIdBase = std::uint64_t{1} << 62;
inline constexpr std::size_t kNotifyQueueMax = 64;

class Node {
 public:
  Node(const cluster::NodeConfig& config, NodeIo io);

  // Feeds one event and carries out every action it produced, then re-arms the timer.
  void handle(const cluster::Event& event, TimePoint now);

  // Called when a takeover run this node led, or a local failover, is over (after its
  // moves were logged, one info line each).
  void set_move_observer(std::function<void(const MoveRecord&)> observer) { moved_ = std::move(observer); }

  const cluster::NodeMachine& machine() const { return machine_; }
  const Statistics& statistics() const { return counters_.statistics(); }
  // The link state of each public interface, as the events told it.
  const std::map<InterfaceName, LinkState>& links() const { return links_; }

 private:
  void carry_out(const cluster::Action& action, TimePoint now);
  void run_machine(const cluster::Event& event, TimePoint now);
  cluster::ConnectionsListed listed(io::TcpConnections& connections, const std::vector<IpAddress>& addresses) const;
  MachineGlance glance(TimePoint now) const;
  void report(const MoveRecord& record);
  void queue_notify(std::vector<std::string> arguments);
  void start_notify();
  void on_notify_finished(const cluster::HookFinished& finished);

  cluster::NodeMachine machine_;
  NodeIo io_;
  TakeoverWatch watch_;
  std::function<void(const MoveRecord&)> moved_;
  Counters counters_;
  std::map<InterfaceName, LinkState> links_;
  // notify runs waiting, oldest first, and the id of the one running.
  std::deque<std::vector<std::string>> notify_queue_;
  std::optional<std::uint64_t> notify_running_;
  std::uint64_t next_notify_id_ = kNotifyHookIdBase;
};

}  // namespace tandem::node
