#include "sim/sim_world.h"

#include <algorithm>
#include <cmath>

#include "sim/convergence_check.h"

namespace tandem::sim {
namespace {

// Salts that give each sub-system its own stream of the seed.
constexpr std::uint64_t kSaltWorld = 1;
constexpr std::uint64_t kSaltNetwork = 2;
constexpr std::uint64_t kSaltDaemon = 3;

// How far a spinning machine's clock moves per turn (see dispatch(WakeNode)).
constexpr Duration kSpinStep = std::chrono::microseconds(10);

std::uint64_t message_epoch(const proto::Message& message) {
  return std::visit(
      [](const auto& m) -> std::uint64_t {
        if constexpr (requires { m.epoch; }) {
          return m.epoch;
        } else {
          return 0;
        }
      },
      message);
}

// A few words on what a protocol message carries, for the trace (not for heartbeats).
std::string message_detail(const proto::Message& message) {
  if (const auto* report = std::get_if<proto::StateReport>(&message)) {
    std::string text = "held=" + std::to_string(report->held.size());
    for (const auto& held : report->held) text += " " + held.prefix.address.to_string();
    return text;
  }
  if (const auto* order = std::get_if<proto::TakeoverOrder>(&message)) {
    static constexpr const char* kKinds[] = {"?", "release", "take", "update", "ipreallocated"};
    std::string text = "run=" + std::to_string(order->run_id) + " " + kKinds[static_cast<int>(order->kind) % 5];
    for (const auto& item : order->items) text += " " + item.prefix.address.to_string() + "@" + item.interface.value();
    return text;
  }
  if (const auto* ack = std::get_if<proto::TakeoverAck>(&message)) {
    return "run=" + std::to_string(ack->run_id) + (ack->ok ? " ok" : " failed");
  }
  return {};
}

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// A node's view of the rest of the cluster, from its own configuration.
// The gateway each public interface probes: one per interface name (one network each).
IpAddress probe_target(const InterfaceName& interface) {
  const auto digit = static_cast<std::uint32_t>(interface.value().back());
  return IpAddress::v4((192u << 24) | (2u << 8) | (200u + digit % 50));
}

cluster::NodeConfig node_config(const WorldOptions& options, const ClusterLayout& layout, NodeIndex index) {
  cluster::NodeConfig config;
  config.self = NodeId(index);
  for (NodeIndex other = 0; other < options.shape.nodes; ++other) config.nodes.emplace_back(other);
  config.public_addresses = *layout.addresses;
  config.groups = layout.groups;
  config.tunables = options.tunables;
  config.has_cluster_lock = options.has_cluster_lock;
  if (options.probes) {
    for (const auto& address : *layout.addresses) {
      for (const auto& interface : address.interfaces) config.probe_targets[interface] = {probe_target(interface)};
    }
  }
  return config;
}

}  // namespace

Result<std::unique_ptr<SimWorld>> SimWorld::create(const WorldOptions& options, std::ostream* live_trace) {
  auto layout = make_layout(options.shape);
  if (!layout) return fail(layout.error());
  return std::make_unique<SimWorld>(options, std::move(layout).value(), live_trace);
}

SimWorld::SimWorld(const WorldOptions& options, ClusterLayout layout, std::ostream* live_trace)
    : options_(options),
      layout_(std::move(layout)),
      rng_(mix_seed(options.seed, kSaltWorld)),
      network_(options.shape.nodes, options.check_wire, queue_, rng_),
      checker_(layout_.groups),
      meter_(std::chrono::seconds(30)),
      trace_(options.trace_lines, live_trace) {
  SimRng clocks = rng_.fork();
  network_.set_settings(options_.network);
  for (NodeIndex i = 0; i < options_.shape.nodes; ++i) {
    const auto offset = clocks.between(Duration(0), options_.clock_offset_max);
    const double drift = (clocks.unit() * 2.0 - 1.0) * options_.drift_max;
    nodes_.push_back(std::make_unique<SimNode>(i, node_config(options_, layout_, i), SimClock(offset, drift),
                                               layout_.interfaces, static_cast<KernelObserver&>(*this),
                                               static_cast<NodeIoPort&>(*this)));
    if (options_.late_removal.count() > 0) nodes_.back()->kernel.set_faults({.removals_late = true});
    queue_.push(kTimeZero + clocks.between(Duration(0), options_.start_spread), RestartDaemon{i, 0});
  }
}

SimWorld::~SimWorld() = default;

void SimWorld::run_until(TimePoint end) {
  while (!queue_.empty() && queue_.next_time() <= end && !has_stopped()) {
    auto [at, event] = queue_.pop();
    now_ = at;
    std::visit([this](auto& e) { dispatch(e); }, event);
  }
  if (!has_stopped()) now_ = std::max(now_, end);
}

// --- delivering scheduled events ---

void SimWorld::dispatch(DeliverMessage& event) {
  SimNode& to = *nodes_[event.to];
  if (!to.is_running() || !network_.reaches(event.from, event.to)) return;
  const auto type = static_cast<std::uint16_t>(proto::message_type(event.message));
  const std::uint64_t epoch = message_epoch(event.message);
  if (std::holds_alternative<proto::Heartbeat>(event.message)) {
    trace_.add_chatter(TraceRecord{now_, event.to, "recv", event.from, type, epoch, {}});
  } else {
    trace_.add(TraceRecord{now_, event.to, "recv", event.from, type, epoch, message_detail(event.message)});
  }
  // Invariant 4: an order from an older epoch than the daemon's must not make it take.
  const auto* order = std::get_if<proto::TakeoverOrder>(&event.message);
  const bool stale = order != nullptr && order->epoch < to.daemon->machine().epoch();
  const std::uint64_t additions = to.kernel.additions();
  const std::uint64_t daemon_epoch = to.daemon->machine().epoch();
  feed(event.to, cluster::PeerMessage{NodeId(event.from), std::move(event.message)});
  if (stale && to.kernel.additions() != additions) {
    record({now_, kEpoch,
            "node " + std::to_string(event.to) + " at epoch " + std::to_string(daemon_epoch) +
                " configured an address on a takeover order of epoch " + std::to_string(epoch)});
  }
}

void SimWorld::dispatch(const WakeNode& event) {
  SimNode& node = *nodes_[event.node];
  if (event.generation != node.wake_generation || !node.is_running()) return;
  node.wake_queued = false;
  if (node.wake_wanted > now_) {
    queue_wake(node, node.wake_wanted);
    return;
  }
  if (node.last_tick_at == now_) {
    // The machine asked to be woken at the very instant of its last Tick: a busy loop.
    // A real event loop would spin the CPU while time moves on; the world moves time on by
    // kSpinStep per turn (so the run continues) and counts the turns for the report.
    ++spin_ticks_;
    if (spin_ticks_ == 1) {
      first_spin_ = "node " + std::to_string(event.node) + " at " + std::to_string(now_.time_since_epoch().count()) +
                    " ns: next_wakeup() <= now right after a Tick";
      trace(event.node, "SPIN", first_spin_);
    }
    node.wake_wanted = now_ + kSpinStep;
    queue_wake(node, node.wake_wanted);
    return;
  }
  node.last_tick_at = now_;
  feed(event.node, cluster::Tick{});
}

void SimWorld::dispatch(const FinishHook& event) {
  SimNode& node = *nodes_[event.node];
  if (event.incarnation != node.incarnation || !node.is_running()) return;
  trace(event.node, "hook-done", std::to_string(event.id) + (event.ok ? " ok" : " failed"));
  feed(event.node, cluster::HookFinished{event.id, event.ok});
}

void SimWorld::dispatch(const AnswerLock& event) {
  SimNode& node = *nodes_[event.node];
  if (event.incarnation != node.incarnation || !node.is_running()) return;
  const cluster::LockState state = event.is_loss ? cluster::LockState::kLost : lock_.acquire(event.node);
  trace(event.node, "lock",
        state == cluster::LockState::kHeld   ? "held"
        : state == cluster::LockState::kLost ? "lost"
                                             : "contended");
  feed(event.node, cluster::LockChanged{state});
}

void SimWorld::dispatch(const RunStopCleanup& event) {
  SimNode& node = *nodes_[event.node];
  if (event.incarnation != node.incarnation || !node.powered || node.daemon) return;
  trace(event.node, "stop-cleanup", std::to_string(node.kernel.held().size()) + " addresses");
  node.kernel.clear();
}

void SimWorld::dispatch(const RestartDaemon& event) {
  SimNode& node = *nodes_[event.node];
  if (event.incarnation != node.incarnation || !node.powered || node.daemon) return;
  start_daemon(event.node);
}

void SimWorld::dispatch(const FreeLock& event) {
  if (lock_.holding() != event.holding) return;
  lock_.free();
  trace(0, "lock-freed", "the cluster filesystem freed a dead holder's lock");
}

void SimWorld::dispatch(const ApplyLateRemoval& event) {
  nodes_[event.node]->kernel.remove_now(event.prefix, event.interface);
}

// The end of a planned stop, as tandemd does it: what the machine still holds (a stop cut
// short) goes without hooks, the lock goes with the process, then systemd's ExecStopPost.
void SimWorld::dispatch(const StopDaemon& event) {
  SimNode& node = *nodes_[event.node];
  if (event.incarnation != node.incarnation || !node.is_running()) return;
  const std::vector<proto::HeldAddress> left = node.daemon->machine().held();
  const std::optional<Duration> restart_after = node.restart_after_stop;
  trace(event.node, "stopped", std::to_string(left.size()) + " addresses left to remove");
  for (const auto& entry : left) (void)node.kernel.remove_address(entry.prefix, entry.interface);
  stop_daemon(event.node);
  release_lock(event.node);
  queue_.push(now_ + options_.stop_cleanup_delay, RunStopCleanup{event.node, node.incarnation});
  if (restart_after) {
    queue_.push(now_ + *restart_after, RestartDaemon{event.node, node.incarnation});
  } else {
    node.is_stopped = true;
  }
}

// --- daemons ---

node::NodeIo SimWorld::io_for(SimNode& node) {
  const NodeIndex index = node.index;
  auto reply = [this, index](std::uint64_t id, bool ok, const std::string& message) {
    replies_.push_back(AdminReplyRecord{now_, index, id, ok, message});
    const bool was_move = std::find(move_requests_.begin(), move_requests_.end(), id) != move_requests_.end();
    if (ok && was_move) placement_pinned_ = true;
    trace(index, "admin-reply", std::to_string(id) + (ok ? " ok " : " refused ") + message);
  };
  auto status = [this, index](std::uint64_t id, const proto::StatusReply& answer) {
    status_replies_.push_back(StatusReplyRecord{now_, index, id, answer});
    trace(index, "status-reply",
          std::to_string(id) + (answer.from_leader ? " from leader " : " from node ") +
              std::to_string(answer.answered_by.value()));
  };
  auto log = [this, index](const cluster::Log& line) { trace(index, "log", line.text); };
  // Called from inside the daemon's handle(): it exits by an event of its own.
  auto shutdown_done = [this, index] {
    trace(index, "shutdown-done", "");
    queue_.push(now_, StopDaemon{index, nodes_[index]->incarnation});
  };
  io::ClusterLock* lock = options_.has_cluster_lock ? &node.io : nullptr;
  return node::NodeIo{node.io,
                      node.io,
                      node.kernel,
                      node.io,
                      lock,
                      std::move(reply),
                      std::move(status),
                      std::move(log),
                      std::move(shutdown_done),
                      options_.ignores_serving_limit ? nullptr : &node.kernel,
                      &node.disk,
                      &node.io,

                      &node.kernel};
}

void SimWorld::start_daemon(NodeIndex index) {
  SimNode& node = *nodes_[index];
  node.config.random_seed = mix_seed(options_.seed, kSaltDaemon ^ (std::uint64_t{index} << 32) ^ node.incarnation);
  node.daemon = std::make_unique<node::Node>(node.config, io_for(node));
  node.is_stopped = false;
  trace(index, "start", std::to_string(node.kernel.held().size()) + " addresses found");
  feed(index, cluster::Start{node.kernel.list_addresses(), node.kernel.links(), node.disk.state()});
}

// The daemon is gone (crash, power loss, the end of a planned stop): nothing it asked for
// will reach it.
void SimWorld::stop_daemon(NodeIndex index) {
  SimNode& node = *nodes_[index];
  node.daemon.reset();
  node.restart_after_stop.reset();
  ++node.incarnation;
  ++node.wake_generation;
  node.wake_queued = false;
  checker_.daemon_gone(index);
}

void SimWorld::feed(NodeIndex index, const cluster::Event& event) {
  SimNode& node = *nodes_[index];
  if (!node.is_running()) return;
  if (now_ < node.stalled_until) {
    queue_.push(node.stalled_until, DeferredEvent{index, node.incarnation, event});
    return;
  }
  const std::size_t changes = history_.size();
  node.daemon->handle(event, node.clock.local(now_));
  if (!node.daemon) return;
  // One echo, not one per echo: an answer to AddressesSeen that changed the kernel again
  // would be a repair loop, which the counters (and the scenarios) show.
  if (options_.echo_address_changes && history_.size() != changes &&
      !std::holds_alternative<cluster::AddressesSeen>(event)) {
    node.daemon->handle(cluster::AddressesSeen{node.kernel.list_addresses()}, node.clock.local(now_));
    if (!node.daemon) return;
  }
  const auto& machine = node.daemon->machine();
  if (auto violation = checker_.daemon_state(now_, index, node.incarnation, machine.epoch(), machine.is_leader())) {
    record(std::move(*violation));
  }
}

// The gateway answers unless the carrier is down or the path is silent, after a random
// delay; an answer that arrives after the daemon died is dropped (another incarnation).
void SimWorld::probe(NodeIndex index, const InterfaceName& interface, const IpAddress& target) {
  SimNode& node = *nodes_[index];
  const auto link = node.kernel.links().find(interface);
  if (link == node.kernel.links().end() || link->second != LinkState::kUp || node.silent.contains(interface)) return;
  const Duration delay = rng_.between(Duration(0), options_.probe_answer_max);
  queue_.push(now_ + delay, DeferredEvent{index, node.incarnation, cluster::ProbeAnswered{interface, target}});
}

void SimWorld::dispatch(const DeferredEvent& event) {
  if (event.incarnation != nodes_[event.node]->incarnation) return;
  feed(event.node, event.event);
}

// --- NodeIoPort ---

void SimWorld::wake_at(NodeIndex index, TimePoint local) {
  SimNode& node = *nodes_[index];
  node.wake_wanted = std::max(node.clock.real_at(local), now_);
  if (node.wake_queued && node.wake_queued_at <= node.wake_wanted) return;  // that one re-arms
  queue_wake(node, node.wake_wanted);
}

void SimWorld::queue_wake(SimNode& node, TimePoint at) {
  ++node.wake_generation;
  node.wake_queued = true;
  node.wake_queued_at = at;
  queue_.push(at, WakeNode{node.index, node.wake_generation});
}

void SimWorld::send(NodeIndex from, NodeId to, const proto::Message& message) {
  if (to.value() >= nodes_.size()) {
    trace(from, "send-dropped", "to unknown node " + std::to_string(to.value()));
    return;
  }
  if (auto sent = network_.send(now_, from, to.value(), message); !sent) {
    record({now_, kWire, sent.error().message()});
  }
}

void SimWorld::run_hook(NodeIndex index, std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) {
  SimNode& node = *nodes_[index];
  auto fault = node.hook_faults.find(event);
  const HookFault kind = fault == node.hook_faults.end() ? HookFault::kNone : fault->second;
  Duration delay = rng_.between(options_.hook_min, options_.hook_max);
  // A hung hook is killed at the timeout and counts as failed, as the real runner does.
  if (kind == HookFault::kHang) delay = milliseconds(options_.tunables.event_script_timeout_ms);
  if (kind == HookFault::kSlow) delay = options_.slow_hook;
  hooks_run_.push_back(HookRecord{now_, index, event, arguments});
  if (event != HookEvent::kMonitor || kind != HookFault::kNone) {
    trace(index, "hook", std::to_string(id) + " " + std::string(hook_event_name(event)) + " " + join(arguments));
  }
  queue_.push(now_ + delay,
              FinishHook{index, node.incarnation, id, kind == HookFault::kNone || kind == HookFault::kSlow});
}

void SimWorld::try_lock(NodeIndex index) {
  queue_.push(now_ + rng_.between(options_.lock_answer_min, options_.lock_answer_max),
              AnswerLock{index, nodes_[index]->incarnation, false});
}

void SimWorld::release_lock(NodeIndex index) {
  if (lock_.holder() == index) trace(index, "lock", "released");
  lock_.release(index);
}

// --- KernelObserver ---

void SimWorld::address_added(NodeIndex index, const IpPrefix& prefix, const InterfaceName& interface) {
  history_.push_back(AddressChange{now_, index, prefix, interface, true});
  trace(index, "add", prefix.to_string() + " " + interface.value());
  meter_.address_added(now_, index, prefix.address, interface, nodes_[index]->kernel.is_up(interface));
  for (auto& violation : checker_.address_added(now_, index, prefix.address)) record(std::move(violation));
}

void SimWorld::address_removed(NodeIndex index, const IpPrefix& prefix, const InterfaceName& interface) {
  history_.push_back(AddressChange{now_, index, prefix, interface, false});
  trace(index, "remove", prefix.to_string() + " " + interface.value());
  checker_.address_removed(index, prefix.address);
}

void SimWorld::removal_deferred(NodeIndex index, const IpPrefix& prefix, const InterfaceName& interface) {
  trace(index, "remove-late", prefix.to_string() + " " + interface.value());
  queue_.push(now_ + options_.late_removal, ApplyLateRemoval{index, prefix, interface});
}

void SimWorld::serving_limited(NodeIndex index, TimePoint until) {
  const TimePoint real = nodes_[index]->clock.real_at(until);
  trace_.add_chatter(
      TraceRecord{now_, index, "limit", -1, 0, 0, std::to_string((real - now_).count() / 1000000) + "ms"});
  for (auto& violation : checker_.serving_limited(now_, index, real)) record(std::move(violation));
}

std::vector<NodeIndex> SimWorld::servers(const IpAddress& address) const {
  std::vector<NodeIndex> nodes = checker_.holders(address);
  std::erase_if(nodes, [&](NodeIndex node) { return !checker_.is_serving(node, now_); });
  return nodes;
}

void SimWorld::announced(NodeIndex index, const IpAddress& address, const InterfaceName& interface) {
  announcements_.push_back(AnnouncementRecord{now_, index, address, interface});
  trace(index, "announce", address.to_string() + " " + interface.value());
  if (auto stale = checker_.announced(now_, index, address, interface, nodes_[index]->kernel.held())) {
    record(std::move(*stale));
  }
}

// Invariant 6: a node tickles only connections to an address its kernel holds, from that
// address (a tickle from anywhere else would reset clients of the address's real holder).
void SimWorld::tickled(NodeIndex index, const IpAddress& address, const std::vector<TcpConnection>& connections) {
  tickles_.push_back(TickleRecord{now_, index, address, connections});
  trace(index, "tickle", address.to_string() + " x" + std::to_string(connections.size()));
  const auto& kernel = nodes_[index]->kernel.held();
  const bool is_held = std::any_of(kernel.begin(), kernel.end(),
                                   [&](const proto::HeldAddress& entry) { return entry.prefix.address == address; });
  const bool is_from_address = std::all_of(connections.begin(), connections.end(),
                                           [&](const TcpConnection& c) { return c.server.address == address; });
  if (!is_held || !is_from_address) {
    record(Violation{now_, kStaleTickle,
                     "node " + std::to_string(index) + " tickled connections of " + address.to_string() +
                         (is_held ? " from another address" : ", which its kernel does not hold")});
  }
}

void SimWorld::connections_reset(NodeIndex index, const std::vector<IpAddress>& addresses) {
  resets_.push_back(ResetRecord{now_, index, addresses});
  std::string text;
  for (const auto& address : addresses) text += (text.empty() ? "" : " ") + address.to_string();
  trace(index, "reset-connections", text);
}

// --- bookkeeping ---

void SimWorld::record(Violation violation) {
  trace_.add(TraceRecord{now_, -1, "VIOLATION", -1, 0, 0, violation.invariant + ": " + violation.details});
  violations_.push_back(std::move(violation));
}

void SimWorld::trace(NodeIndex index, const char* kind, std::string detail) {
  trace_.add(TraceRecord{now_, index, kind, -1, 0, 0, std::move(detail)});
}

void SimWorld::note(const std::string& text) { trace_.add(TraceRecord{now_, -1, "note", -1, 0, 0, text}); }

}  // namespace tandem::sim
