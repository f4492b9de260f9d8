// SimWorld's faults and admin commands, and the ground truth for invariant 3.
#include <algorithm>

#include "sim/convergence_check.h"
#include "sim/sim_world.h"

namespace tandem::sim {
namespace {

const char* link_word(LinkState state) { return state == LinkState::kUp ? "up" : "down"; }

std::string list(const std::vector<NodeIndex>& nodes) {
  std::string text;
  for (NodeIndex node : nodes) text += (text.empty() ? "n" : ",n") + std::to_string(node);
  return text;
}

}  // namespace

// A machine without power serves nothing: its addresses go with it, and a restart finds an
// empty kernel. The lock it held stays taken until the cluster filesystem notices.
void SimWorld::power_off(NodeIndex index) {
  SimNode& node = *nodes_[index];
  if (!node.powered) return;
  trace(index, "FAULT", "power off");
  meter_.power_lost(now_, index, node.kernel.held());
  stop_daemon(index);
  node.powered = false;
  node.kernel.clear();
  if (lock_.holder() == index) {
    lock_.orphan();
    queue_.push(now_ + options_.lock_free_after_power_loss, FreeLock{lock_.holding()});
  }
}

void SimWorld::power_on(NodeIndex index) {
  SimNode& node = *nodes_[index];
  if (node.powered) return;
  trace(index, "FAULT", "power on");
  meter_.fault_anywhere(now_);
  node.powered = true;
  ++node.incarnation;
  start_daemon(index);
}

// The daemon dies; its addresses stay (and answer) until systemd's stop clean-up, then
// systemd restarts it. Its lock dies with it.
void SimWorld::crash_daemon(NodeIndex index) {
  SimNode& node = *nodes_[index];
  if (!node.is_running()) return;
  trace(index, "FAULT", "daemon crash");
  meter_.fault_anywhere(now_);
  stop_daemon(index);
  release_lock(index);
  queue_.push(now_ + options_.stop_cleanup_delay, RunStopCleanup{index, node.incarnation});
  queue_.push(now_ + options_.stop_cleanup_delay + options_.restart_delay, RestartDaemon{index, node.incarnation});
}

void SimWorld::wipe_disk(NodeIndex index) {
  trace(index, "FAULT", "disk wiped");
  nodes_[index]->disk.wipe();
  checker_.disk_wiped(index);
}

void SimWorld::kill_daemon(NodeIndex index) {
  SimNode& node = *nodes_[index];
  if (!node.is_running()) return;
  trace(index, "FAULT", "daemon killed, no stop clean-up");
  meter_.fault_anywhere(now_);
  stop_daemon(index);
  release_lock(index);
  node.is_stopped = true;
}

void SimWorld::stall(NodeIndex index, Duration span) {
  SimNode& node = *nodes_[index];
  if (!node.is_running()) return;
  trace(index, "FAULT", "daemon stalled for " + std::to_string(span.count() / 1000000) + " ms");
  meter_.fault_anywhere(now_);
  node.stalled_until = std::max(node.stalled_until, now_ + span);
}

// The hard bound is tandemd's (app/daemon.cc): the machine's own bound, EventScriptTimeoutMs,
// plus time to spare.
void SimWorld::shutdown_daemon(NodeIndex index, std::optional<Duration> restart_after) {
  SimNode& node = *nodes_[index];
  if (!node.is_running() || node.daemon->machine().is_shutting_down()) return;
  trace(index, "FAULT", "planned stop (SIGTERM)");
  meter_.planned_stop(now_, index, node.kernel.held());
  node.restart_after_stop = restart_after;
  const Duration hard_bound = milliseconds(options_.tunables.event_script_timeout_ms) + std::chrono::seconds(3);
  queue_.push(now_ + hard_bound, StopDaemon{index, node.incarnation});
  feed(index, cluster::Shutdown{});
}

void SimWorld::start(NodeIndex index) {
  SimNode& node = *nodes_[index];
  if (node.is_running()) {
    if (node.daemon->machine().is_shutting_down()) node.restart_after_stop = Duration(0);
    return;
  }
  if (!node.powered) return;
  trace(index, "FAULT", "daemon start");
  meter_.fault_anywhere(now_);
  start_daemon(index);
}

// The link event reaches the daemon at the instant it happens, as netlink pushes it.
void SimWorld::set_link(NodeIndex index, const InterfaceName& interface, LinkState state) {
  SimNode& node = *nodes_[index];
  trace(index, "FAULT", "link " + interface.value() + " " + link_word(state));
  if (state == LinkState::kDown) {
    meter_.link_down(now_, index, interface, node.kernel.held());
  } else {
    meter_.fault(now_, index);
  }
  node.kernel.set_link(interface, state);
  feed(index, cluster::LinkChanged{interface, state});
}

void SimWorld::silence_link(NodeIndex index, const InterfaceName& interface, bool is_silent) {
  SimNode& node = *nodes_[index];
  trace(index, "FAULT", "link " + interface.value() + (is_silent ? " silent (carrier up)" : " forwards again"));
  if (is_silent) {
    meter_.link_down(now_, index, interface, node.kernel.held());
    node.silent.insert(interface);
  } else {
    meter_.fault(now_, index);
    node.silent.erase(interface);
  }
}

void SimWorld::partition(const std::vector<NodeIndex>& side) {
  trace_.add(TraceRecord{now_, -1, "FAULT", -1, 0, 0, "partition " + list(side) + " | the rest"});
  meter_.fault_anywhere(now_);
  network_.partition(side);
}

void SimWorld::cut(NodeIndex from, NodeIndex to) {
  trace_.add(TraceRecord{now_, -1, "FAULT", -1, 0, 0, "cut n" + std::to_string(from) + " -> n" + std::to_string(to)});
  meter_.fault_anywhere(now_);
  network_.cut(from, to);
}

void SimWorld::heal_network() {
  trace_.add(TraceRecord{now_, -1, "FAULT", -1, 0, 0, "network healed"});
  meter_.fault_anywhere(now_);
  network_.heal();
}

void SimWorld::set_network(const NetworkSettings& settings) {
  trace_.add(TraceRecord{now_, -1, "FAULT", -1, 0, 0,
                         "network delay " + std::to_string(settings.delay_min.count() / 1000) + "-" +
                             std::to_string(settings.delay_max.count() / 1000) + "us loss " +
                             std::to_string(settings.loss) + " dup " + std::to_string(settings.duplicate) +
                             " reorder " + std::to_string(settings.reorder)});
  meter_.fault_anywhere(now_);
  network_.set_settings(settings);
}

// The lock file is broken from under its holder (e.g. the cluster filesystem fenced it):
// the lock is free at once and the holder hears kLost.
void SimWorld::lose_lock() {
  const auto holder = lock_.holder();
  trace_.add(TraceRecord{now_, -1, "FAULT", -1, 0, 0,
                         holder ? "lock lost by n" + std::to_string(*holder) : std::string("lock lost (not held)")});
  meter_.fault_anywhere(now_);
  lock_.free();
  if (holder && nodes_[*holder]->is_running())
    queue_.push(now_, AnswerLock{*holder, nodes_[*holder]->incarnation, true});
}

void SimWorld::take_address(NodeIndex index, const IpAddress& address) {
  SimNode& node = *nodes_[index];
  const auto& held = node.kernel.held();
  auto found = std::find_if(held.begin(), held.end(),
                            [&](const proto::HeldAddress& entry) { return entry.prefix.address == address; });
  if (found == held.end()) return;
  const proto::HeldAddress taken = *found;
  trace(
      index, "FAULT",
      "address " + taken.prefix.to_string() + " removed from " + taken.interface.value() + " behind the daemon's back");
  meter_.fault(now_, index);
  node.kernel.remove_now(taken.prefix, taken.interface);
  feed(index, cluster::AddressesSeen{node.kernel.list_addresses()});
}

void SimWorld::set_hook_fault(NodeIndex index, HookEvent event, HookFault fault) {
  const char* word = fault == HookFault::kNone   ? "healthy"
                     : fault == HookFault::kFail ? "fails"
                     : fault == HookFault::kSlow ? "is slow"
                                                 : "hangs";
  trace(index, "FAULT", "hook " + std::string(hook_event_name(event)) + " " + word);
  meter_.fault(now_, index);
  nodes_[index]->hook_faults[event] = fault;
}

void SimWorld::set_kernel_faults(NodeIndex index, const KernelFaults& faults) {
  trace(index, "FAULT",
        std::string("kernel") + (faults.adds_fail ? " adds-fail" : "") +
            (faults.removals_fail ? " removals-fail" : "") + (faults.removals_late ? " removals-late" : ""));
  meter_.fault(now_, index);
  nodes_[index]->kernel.set_faults(faults);
}

std::uint64_t SimWorld::admin(NodeIndex index, const proto::AdminCommand& command) {
  const std::uint64_t id = ++next_request_id_;
  trace(index, "ADMIN", std::to_string(id) + " " + std::string(proto::command_word(command)));
  meter_.fault_anywhere(now_);
  if (std::holds_alternative<proto::MoveIp>(command) || std::holds_alternative<proto::MoveGroup>(command)) {
    move_requests_.push_back(id);
  }
  feed(index, cluster::AdminCommandReceived{id, command});
  return id;
}

std::uint64_t SimWorld::status(NodeIndex index) {
  const std::uint64_t id = ++next_request_id_;
  trace(index, "STATUS", std::to_string(id));
  feed(index, cluster::StatusQuery{id});
  return id;
}

std::uint64_t SimWorld::tickle_edit(NodeIndex index, bool is_add, const TcpConnection& connection) {
  const std::uint64_t id = ++next_request_id_;
  trace(index, is_add ? "ADDTICKLE" : "DELTICKLE", std::to_string(id) + " " + connection.to_string());
  feed(index, cluster::TickleEdit{id, is_add, connection});
  return id;
}

void SimWorld::reconfigure(NodeIndex index, const cluster::NodeConfig& config) {
  SimNode& node = *nodes_[index];
  trace(index, "RELOAD",
        std::to_string(config.public_addresses.size()) + " public addresses, " + std::to_string(config.groups.size()) +
            " groups");
  meter_.fault_anywhere(now_);
  node.config.public_addresses = config.public_addresses;
  node.config.groups = config.groups;
  node.config.tunables = config.tunables;
  feed(index, cluster::Reconfigure{node.config});
}

ClusterView SimWorld::ground_truth_view() const {
  ClusterView view;
  view.groups = layout_.groups;
  for (const auto& node : nodes_) {
    NodeFlags flags = NodeFlags().with(NodeFlags::kDisconnected);
    if (node->is_running()) flags = node->daemon->machine().flags().without(NodeFlags::kDisconnected);
    // A silent link is down for allocation once the probes have found it (WorldOptions::probes).
    auto links = node->kernel.links();
    if (options_.probes) {
      for (const auto& interface : node->silent) links[interface] = LinkState::kDown;
    }
    view.nodes.push_back(NodeView{NodeId(node->index), flags, std::move(links), layout_.addresses});
  }
  return view;
}

std::vector<Violation> SimWorld::check_convergence() {
  std::vector<std::vector<proto::HeldAddress>> kernels;
  for (const auto& node : nodes_) kernels.push_back(node->kernel.held());
  auto found = sim::check_convergence(now_, ground_truth_view(), options_.tunables, kernels, placement_pinned_);
  for (const auto& violation : found) record(violation);
  return found;
}

}  // namespace tandem::sim
