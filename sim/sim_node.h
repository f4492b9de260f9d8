// SimNode: one simulated machine: its clock, its kernel, its io, and the daemon (a real
// node::Node) when one runs.
//
// The machine outlives its daemons: a crash destroys the Node and keeps the kernel; power
// loss destroys both the Node and the kernel's addresses. `incarnation` grows at every
// crash, power loss and power-on, so events meant for an older daemon are dropped.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>

#include "cluster/node_config.h"
#include "node/node.h"
#include "sim/sim_clock.h"
#include "sim/sim_net_ops.h"
#include "sim/sim_node_io.h"

namespace tandem::sim {

// The node's state directory: it survives crashes, power loss and restarts, as a disk
// does; wipe() loses it (a disk replaced, a machine reinstalled): the next daemon starts as
// a fresh node.
class SimDisk final : public io::DurableStore {
 public:
  Result<void> save(const DurableState& state) override {
    state_ = state;
    return success();
  }
  const std::optional<DurableState>& state() const { return state_; }
  void wipe() { state_.reset(); }

 private:
  std::optional<DurableState> state_;
};

// kSlow: succeeds, but only after WorldOptions::slow_hook.
enum class HookFault : std::uint8_t { kNone, kFail, kHang, kSlow };

struct SimNode {
  SimNode(NodeIndex node, cluster::NodeConfig node_config, SimClock node_clock, std::vector<InterfaceName> interfaces,
          KernelObserver& observer, NodeIoPort& port)
      : index(node),
        config(std::move(node_config)),
        clock(node_clock),
        kernel(node, std::move(interfaces), observer),
        io(node, port) {}

  bool is_running() const { return powered && daemon != nullptr; }

  NodeIndex index;
  cluster::NodeConfig config;
  SimClock clock;
  SimNetOps kernel;
  SimNodeIo io;
  SimDisk disk;
  std::unique_ptr<node::Node> daemon;
  bool powered = true;
  std::uint64_t incarnation = 0;
  std::map<HookEvent, HookFault> hook_faults;
  // Planned stops: the daemon exited after a Shutdown and waits for a start; or, while it
  // stops, it is started again this long after it exits (systemctl restart).
  bool is_stopped = false;
  std::optional<Duration> restart_after_stop;

  // The timer: the daemon's latest wish (real time) and the one queued wake-up that serves
  // it. A later wish does not queue another event: the queued one re-arms itself.
  TimePoint wake_wanted;
  bool wake_queued = false;
  TimePoint wake_queued_at;
  std::uint64_t wake_generation = 0;
  // The instant of the last Tick: a machine whose next_wakeup() stays there after a Tick
  // would spin forever at one instant (see SimWorld::dispatch(WakeNode)).
  TimePoint last_tick_at = TimePoint::min();
  // A stalled daemon (SIGSTOP) handles nothing before this real instant.
  TimePoint stalled_until = kTimeZero;
  // Interfaces whose carrier is up but whose switch port forwards nothing (a dead path):
  // no probe sent there is answered.
  std::set<InterfaceName> silent;
};

}  // namespace tandem::sim
