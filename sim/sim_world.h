// SimWorld: many real node::Node instances on a simulated network, clocks, links, hooks and
// cluster lock, all driven from one seed, with the safety invariants checked at every step.
//
// One real time runs the world; each node sees its own drifting local clock. Everything
// that happens later sits on one queue ordered by (time, sequence), and every random choice
// comes from one SimRng seeded by the seed, so a seed always replays the same trace. Faults
// (power loss, daemon crash, partitions, link changes, lock loss, hook and kernel failures)
// and admin commands are methods, called between runs by a scenario or a fault schedule.
#pragma once

#include <memory>
#include <ostream>
#include <vector>

#include "model/cluster_view.h"
#include "sim/cluster_layout.h"
#include "sim/event_queue.h"
#include "sim/failover_meter.h"
#include "sim/invariant_checker.h"
#include "sim/sim_lock.h"
#include "sim/sim_network.h"
#include "sim/sim_node.h"
#include "sim/sim_rng.h"
#include "sim/trace.h"
#include "sim/violation.h"
#include "sim/world_options.h"

namespace tandem::sim {

struct AdminReplyRecord {
  TimePoint at;
  NodeIndex node = 0;
  std::uint64_t request_id = 0;
  bool ok = false;
  std::string message;
};

struct StatusReplyRecord {
  TimePoint at;
  NodeIndex node = 0;
  std::uint64_t request_id = 0;
  proto::StatusReply status;
};

struct HookRecord {
  TimePoint at;
  NodeIndex node = 0;
  HookEvent event = HookEvent::kStartup;
  std::vector<std::string> arguments;
};

struct AddressChange {
  TimePoint at;
  NodeIndex node = 0;
  IpPrefix prefix;
  InterfaceName interface;
  bool added = false;
};

struct AnnouncementRecord {
  TimePoint at;
  NodeIndex node = 0;
  IpAddress address;
  InterfaceName interface;
};

// One SendTickles as the simulated kernel carried it out, or one ResetConnections
// (`connections` empty, `addresses` the addresses whose connections ended).
struct TickleRecord {
  TimePoint at;
  NodeIndex node = 0;
  IpAddress address;
  std::vector<TcpConnection> connections;
};
struct ResetRecord {
  TimePoint at;
  NodeIndex node = 0;
  std::vector<IpAddress> addresses;
};

class SimWorld final : private KernelObserver, private NodeIoPort {
 public:
  // Fails on a cluster shape make_layout() refuses. `live_trace`: print every trace line.
  static Result<std::unique_ptr<SimWorld>> create(const WorldOptions& options, std::ostream* live_trace = nullptr);
  SimWorld(const WorldOptions& options, ClusterLayout layout, std::ostream* live_trace);
  ~SimWorld() override;
  SimWorld(const SimWorld&) = delete;
  SimWorld& operator=(const SimWorld&) = delete;

  // Runs every event up to and including `end` (real time), or until the first violation
  // when options.stop_at_first_violation.
  void run_until(TimePoint end);
  void run_for(Duration span) { run_until(now_ + span); }
  TimePoint now() const { return now_; }
  bool has_stopped() const { return options_.stop_at_first_violation && !violations_.empty(); }

  // --- the cluster, as the world sees it ---
  const WorldOptions& options() const { return options_; }
  const ClusterLayout& layout() const { return layout_; }
  std::size_t node_count() const { return nodes_.size(); }
  const SimNode& node(NodeIndex index) const { return *nodes_[index]; }
  std::optional<NodeIndex> lock_holder() const { return lock_.holder(); }
  const SimNetwork& network() const { return network_; }
  SimRng& rng() { return rng_; }

  // --- faults ---
  void power_off(NodeIndex node);
  void power_on(NodeIndex node);
  void crash_daemon(NodeIndex node);
  // The node's state directory is lost (a disk replaced, a machine reinstalled): its next
  // daemon starts as a fresh node, which must be as safe as one that kept it.
  void wipe_disk(NodeIndex node);
  // SIGKILL with nothing after it (no systemd): no ExecStopPost removes the addresses and
  // nothing restarts the daemon; only the kernel's serving limit ends what they serve.
  void kill_daemon(NodeIndex node);
  // SIGSTOP, then SIGCONT `span` later: the daemon handles nothing meanwhile (what reaches
  // it waits), while its kernel keeps the addresses and enforces its serving limit.
  void stall(NodeIndex node, Duration span);
  // A planned stop (SIGTERM): the daemon is fed Shutdown and exits once it answers
  // ShutdownDone (or after the daemon's hard bound, EventScriptTimeoutMs + 3 s), removing
  // what its machine still holds; systemd's ExecStopPost follows. With `restart_after` it
  // is started again that long after it exited, else it stays stopped until start().
  void shutdown_daemon(NodeIndex node, std::optional<Duration> restart_after = std::nullopt);
  // Starts a stopped daemon; one still stopping is started as soon as it has exited.
  void start(NodeIndex node);
  void set_link(NodeIndex node, const InterfaceName& interface, LinkState state);
  // A dead path behind a live carrier: the interface keeps its carrier (no LinkChanged)
  // but its probes go unanswered while `is_silent`; only WorldOptions::probes can see it.
  void silence_link(NodeIndex node, const InterfaceName& interface, bool is_silent);
  void partition(const std::vector<NodeIndex>& side);
  void cut(NodeIndex from, NodeIndex to);
  void heal_network();
  void set_network(const NetworkSettings& settings);
  void lose_lock();
  void set_hook_fault(NodeIndex node, HookEvent event, HookFault fault);
  void set_kernel_faults(NodeIndex node, const KernelFaults& faults);
  // Something other than the daemon (an administrator's `ip addr del`, NetworkManager)
  // removes `address` from the node's kernel; the daemon hears of it at once, as netlink
  // tells tandemd (cluster::AddressesSeen). Nothing happens if the kernel lacks it.
  void take_address(NodeIndex node, const IpAddress& address);
  // Hands a command to the node's control socket; the reply lands in replies().
  std::uint64_t admin(NodeIndex node, const proto::AdminCommand& command);
  // Asks the node's control socket for the status; the answer lands in status_replies().
  std::uint64_t status(NodeIndex node);
  // `tandem addtickle` (is_add) or `tandem deltickle` on `node`; answered in replies().
  std::uint64_t tickle_edit(NodeIndex node, bool is_add, const TcpConnection& connection);
  // Reloads the node's configuration (SIGHUP): its public addresses, IP groups and
  // tunables become `config`'s, and stay so across restarts. The world's own checks
  // (convergence, ground truth) still judge by the layout and options' tunables.
  void reconfigure(NodeIndex node, const cluster::NodeConfig& config);

  // --- what happened ---
  const std::vector<AdminReplyRecord>& replies() const { return replies_; }
  const std::vector<StatusReplyRecord>& status_replies() const { return status_replies_; }
  const std::vector<AddressChange>& address_history() const { return history_; }
  const std::vector<HookRecord>& hook_history() const { return hooks_run_; }               // every hook started
  const std::vector<AnnouncementRecord>& announcements() const { return announcements_; }  // every one sent
  const std::vector<TickleRecord>& tickles() const { return tickles_; }                    // every one sent
  const std::vector<ResetRecord>& resets() const { return resets_; }                       // every planned end
  const std::vector<Violation>& violations() const { return violations_; }
  const FailoverMeter& meter() const { return meter_; }
  std::vector<std::string> trace_tail() const { return trace_.tail(); }
  void note(const std::string& text);
  // Ticks a machine asked for at the instant of its previous Tick (a busy loop), and the
  // first such; not an invariant, but a bug worth reporting.
  std::uint64_t spin_ticks() const { return spin_ticks_; }
  const std::string& first_spin() const { return first_spin_; }  // a line in the trace, for scenarios and schedules

  // Invariant 3, now: records and returns what it finds (see convergence_check.h); after a
  // carried-out moveip/movegroup, placement is checked only as hosted or not.
  std::vector<Violation> check_convergence();
  // The ground truth: every node with its links; not running: DISCONNECTED; a running
  // daemon: the flags it reports of itself, less DISCONNECTED.
  ClusterView ground_truth_view() const;
  // Which nodes hold `address` now (kernels, not beliefs).
  std::vector<NodeIndex> holders(const IpAddress& address) const { return checker_.holders(address); }
  // Which nodes serve `address` now: they hold it and their serving limit has not passed.
  std::vector<NodeIndex> servers(const IpAddress& address) const;

 private:
  // KernelObserver
  void address_added(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) override;
  void address_removed(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) override;
  void removal_deferred(NodeIndex node, const IpPrefix& prefix, const InterfaceName& interface) override;
  void announced(NodeIndex node, const IpAddress& address, const InterfaceName& interface) override;
  void tickled(NodeIndex node, const IpAddress& address, const std::vector<TcpConnection>& connections) override;
  void connections_reset(NodeIndex node, const std::vector<IpAddress>& addresses) override;
  void serving_limited(NodeIndex node, TimePoint until) override;
  // NodeIoPort
  void wake_at(NodeIndex node, TimePoint local) override;
  void send(NodeIndex from, NodeId to, const proto::Message& message) override;
  void run_hook(NodeIndex node, std::uint64_t id, HookEvent event, const std::vector<std::string>& arguments) override;
  void try_lock(NodeIndex node) override;
  void release_lock(NodeIndex node) override;
  void probe(NodeIndex node, const InterfaceName& interface, const IpAddress& target) override;

  void dispatch(DeliverMessage& event);
  void dispatch(const WakeNode& event);
  void dispatch(const FinishHook& event);
  void dispatch(const AnswerLock& event);
  void dispatch(const RunStopCleanup& event);
  void dispatch(const RestartDaemon& event);
  void dispatch(const FreeLock& event);
  void dispatch(const ApplyLateRemoval& event);
  void dispatch(const StopDaemon& event);
  void dispatch(const DeferredEvent& event);

  void start_daemon(NodeIndex node);
  void stop_daemon(NodeIndex node);
  void feed(NodeIndex node, const cluster::Event& event);
  void queue_wake(SimNode& node, TimePoint at);
  void record(Violation violation);
  void trace(NodeIndex node, const char* kind, std::string detail);
  node::NodeIo io_for(SimNode& node);

  WorldOptions options_;
  ClusterLayout layout_;
  SimRng rng_;
  EventQueue queue_;
  SimNetwork network_;
  SimLock lock_;
  InvariantChecker checker_;
  FailoverMeter meter_;
  Trace trace_;
  std::vector<std::unique_ptr<SimNode>> nodes_;
  TimePoint now_ = kTimeZero;
  std::uint64_t next_request_id_ = 0;
  std::vector<AdminReplyRecord> replies_;
  std::vector<StatusReplyRecord> status_replies_;
  std::vector<AddressChange> history_;
  std::vector<HookRecord> hooks_run_;
  std::vector<AnnouncementRecord> announcements_;
  std::vector<TickleRecord> tickles_;
  std::vector<ResetRecord> resets_;
  std::vector<Violation> violations_;
  std::vector<std::uint64_t> move_requests_;  // ids of moveip/movegroup commands
  bool placement_pinned_ = false;             // one of them was carried out
  std::uint64_t spin_ticks_ = 0;
  std::string first_spin_;
};

}  // namespace tandem::sim
