// Node: a NodeMachine wired to the world through the io interfaces.
//
// The only place where the machine's actions become calls (send, add an address, run a
// hook, take the lock) and where synchronous failures become events again. One event-loop
// thread owns a Node; io implementations call handle() later, never from inside a call.
#pragma once

#include <cstdint>
#include <functional>

#include "cluster/node_machine.h"
#include "io/interfaces.h"

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
};

class Node {
 public:
  Node(cluster::NodeConfig config, NodeIo io);

  // Feeds one event and carries out every action it produced, then re-arms the timer.
  void handle(const cluster::Event& event, TimePoint now);

  const cluster::NodeMachine& machine() const { return machine_; }

 private:
  void carry_out(const cluster::Action& action, TimePoint now);

  cluster::NodeMachine machine_;
  NodeIo io_;
};

}  // namespace tandem::node
