// SimNodeIo: one node's timers, transport, hook runner and lock client, forwarding to the
// world. The world answers later through its queue, never from inside a call, so a Node is
// never re-entered (io/interfaces.h).
#pragma once

#include <string>
#include <vector>

#include "io/interfaces.h"
#include "sim/sim_event.h"

namespace tandem::sim {

// What a node's io asks of the world.
class NodeIoPort {
 public:
  virtual ~NodeIoPort() = default;
  virtual void wake_at(NodeIndex node, TimePoint local) = 0;
  virtual void send(NodeIndex from, NodeId to, const proto::Message& message) = 0;
  virtual void run_hook(NodeIndex node, std::uint64_t id, HookEvent event,
                        const std::vector<std::string>& arguments) = 0;
  virtual void try_lock(NodeIndex node) = 0;
  virtual void release_lock(NodeIndex node) = 0;
  virtual void probe(NodeIndex node, const InterfaceName& interface, const IpAddress& target) = 0;
};

class SimNodeIo final : public io::Timers,
                        public io::PeerTransport,
                        public io::HookRunner,
                        public io::ClusterLock,
                        public io::Prober {
 public:
  SimNodeIo(NodeIndex node, NodeIoPort& port) : node_(node), port_(port) {}

  void wake_at(TimePoint when) override { port_.wake_at(node_, when); }
  void send(NodeId to, const proto::Message& message) override { port_.send(node_, to, message); }
  void run(std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) override {
    port_.run_hook(node_, id, event, arguments);
  }
  void try_acquire() override { port_.try_lock(node_); }
  void release() override { port_.release_lock(node_); }
  void probe(const InterfaceName& interface, const IpAddress& target) override {
    port_.probe(node_, interface, target);
  }

 private:
  NodeIndex node_;
  NodeIoPort& port_;
};

}  // namespace tandem::sim
