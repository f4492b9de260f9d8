// NodeMachine::State: the parts a node machine is made of, and the steps that make them
// work together. Private to the files of the machine (node_machine.cc, follower_orders.cc,
// leader.cc, planned_stop.cc). PURE, like them.
//
// Each part is a value type in its own file, with its own rules and tests: Membership
// (heartbeats), Leadership (role, epoch, votes; a leader's runs, bans and pins live in its
// Leader alternative), LockClaim, Lease, ServingLimit, Health, OrderExecutor, PlannedStop,
// StatusQuestions and AnnouncementSchedule. What is left here is what no part owns alone: the configuration, the
// addresses this node holds, its administrative flags, and the call's output.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "alloc/allocate.h"
#include "cluster/address_audit.h"
#include "cluster/announcement_schedule.h"
#include "base/check.h"
#include "cluster/health.h"
#include "cluster/lease.h"
#include "cluster/leadership.h"
#include "cluster/lock_claim.h"
#include "cluster/membership.h"
#include "cluster/node_machine.h"
#include "cluster/order_executor.h"
#include "cluster/planned_stop.h"
#include "cluster/reachability.h"
#include "cluster/random.h"
#include "cluster/serving_limit.h"
#include "cluster/status_questions.h"
#include "cluster/takeover_plan.h"
#include "cluster/tickle_lists.h"

namespace tandem::cluster {

namespace detail {

using proto::HeldAddress;
using proto::TakeoverItem;
using proto::TakeoverKind;

inline Duration ms(std::uint32_t count) { return std::chrono::milliseconds(count); }

inline constexpr TimePoint kNever = TimePoint::max();
inline constexpr std::string_view kNoLease = "this node has no lease to serve";
// A take refused by a node in a planned stop: no misbehaviour either (no ban credit).
inline constexpr std::string_view kShuttingDown = "this node is shutting down";

inline std::string text_of(const IpPrefix& prefix) { return prefix.to_string(); }

// Hook arguments as CTDB's event scripts take them, so that its scripts run unchanged:
//   takeip/releaseip INTERFACE IP MASKBITS      updateip OLD_INTERFACE NEW_INTERFACE IP MASKBITS
inline std::vector<std::string> ip_hook_arguments(const InterfaceName& interface, const IpPrefix& prefix) {
  return {interface.value(), prefix.address.to_string(), std::to_string(prefix.length)};
}
inline std::vector<std::string> update_hook_arguments(const InterfaceName& from, const InterfaceName& to,
                                                      const IpPrefix& prefix) {
  return {from.value(), to.value(), prefix.address.to_string(), std::to_string(prefix.length)};
}

}  // namespace detail

using namespace detail;  // NOLINT: the machine's own vocabulary, private to its files

// What the machine keeps of its NodeConfig: the node list lives in Membership, the public
// addresses in State::addresses (shared with the views built from them), the seed in Random.
struct Settings {
  NodeId self;
  std::vector<IpGroup> groups;
  Tunables tunables;
  bool has_cluster_lock = true;
  ProbeTargets probe_targets;
};

struct NodeMachine::State {
  explicit State(NodeConfig c);

  // ---- configuration: self, groups, tunables, the lock setting. The node list lives in
  // membership, and this node's public addresses only in `addresses` (shared with views).
  Settings config;
  SharedAddressList addresses;
  Random random;

  // ---- per call
  TimePoint now;
  std::vector<Action> out;
  std::deque<std::pair<NodeId, proto::Message>> self_inbox;

  // ---- this node
  bool started = false;
  // The link state allocation goes by: up when the carrier is up (`carrier`, from LinkChanged)
  // and the probes still reach a target (`reachability`). Derived by update_links() only.
  std::map<InterfaceName, LinkState> links;
  std::map<InterfaceName, LinkState> carrier;
  Reachability reachability;
  bool admin_disabled = false;
  bool admin_stopped = false;
  std::optional<TimePoint> banned_until;  // this node's own ban
  std::vector<HeldAddress> held;
  AnnouncementSchedule announcements;  // invariant: only addresses in `held`, on their interface
  std::uint64_t next_hook_id = 1;
  Health health;
  Lease lease;
  ServingLimit serving_limit;  // what the kernel enforces of the lease
  OrderExecutor executor;
  PlannedStop stop;
  std::map<std::uint64_t, NodeId> forwarded;  // admin request id -> the node we asked
  StatusQuestions status_questions;
  AddressRepairs repairs;  // counted by on_addresses_seen()
  // ---- tickle lists and tickle ACKs (tickles.cc)
  TickleLists tickle_lists;
  AnnouncementSchedule tickles;  // the repeats; invariant: only addresses in `held`, each in `tickling`
  std::map<IpAddress, std::vector<TcpConnection>> tickling;  // what each pending repeat sends
  TimePoint next_tickle_update = kTimeZero;
  std::uint64_t tickle_listings = 0;

  // ---- membership and leadership
  Membership membership;
  TimePoint next_heartbeat = kTimeZero;
  TimePoint next_report = kNever;
  Leadership leadership;
  LockClaim lock;
  // The pins of the leader followed, from its newest heartbeat (leadership.h, Leader::pinned):
  // a node that leads next starts with them, so a group moved by hand stays where it was put.
  std::map<IpAddress, NodeId> pins_heard;
  // What the disk was last told of leadership.durable() (PersistState), or read at start.
  DurableState durable_told;

  // ---------------------------------------------------------------------------------
  // Durations, derived from the tunables each time (never stored twice).
  Duration heartbeat_interval() const { return ms(config.tunables.heartbeat_interval_ms); }
  Duration dead_timeout() const { return ms(config.tunables.dead_timeout_ms); }
  Duration lease_timeout() const { return ms(config.tunables.lease_timeout_ms); }
  Duration lease_margin() const { return ms(config.tunables.lease_margin_ms); }
  Duration takeover_timeout() const { return ms(config.tunables.takeover_timeout_ms); }
  // The longest a node still heard may take to answer a takeover order: its stages of hooks,
  // each killed at EventScriptTimeoutMs, plus TakeoverTimeoutMs for the messages. A release
  // has two (releasegroup, releaseip); a take four (takeip, takegroup, and, when one of
  // those fails, the release of what it took: releasegroup, releaseip).
  Duration takeover_wait_limit(TakeoverRun::Phase phase) const {
    const int stages = phase == TakeoverRun::Phase::kRelease ? 2 : 4;
    return stages * ms(config.tunables.event_script_timeout_ms) + takeover_timeout();
  }
  Duration monitor_interval() const { return ms(config.tunables.monitor_interval_ms); }
  ProbeCounts probe_counts() const {
    return ProbeCounts{ms(config.tunables.probe_interval_ms), config.tunables.probe_misses,
                       config.tunables.probe_successes};
  }

  NodeId self() const { return config.self; }
  std::uint64_t epoch() const { return leadership.epoch(); }
  std::optional<NodeId> leader() const { return leadership.leader(); }
  Leader* lead() { return leadership.leading(); }
  const Leader* lead() const { return leadership.leading(); }
  bool shutting_down() const { return stop.is_stopping(); }
  bool has_lease() const { return lease.is_valid(now); }

  NodeFlags own_flags() const;
  bool may_lead() const;
  void send(NodeId to, proto::Message message);
  void log(Log::Level level, std::string text) { out.push_back(Log{level, std::move(text), std::nullopt}); }
  void log_run(Log::Level level, std::string text, RunMilestone run) {
    out.push_back(Log{level, std::move(text), run});
  }
  std::uint64_t run_hook(HookEvent event, std::vector<std::string> arguments);
  void drain_self_inbox();
  TimePoint wakeup() const;

  // What check_invariants() compares the end of a call with.
  struct CallStart {
    std::uint64_t epoch = 0;
    std::set<IpAddress> held;
    bool started = false;
    DurableState durable;
  };
  CallStart call_start() const;
  void check_invariants(const CallStart& start);  // invariants.cc
  void check_leader_invariants(const Leader& lead) const;
  void check_announcement_invariants() const;

  // events
  void on_start(const Start& start);
  void on_message(NodeId from, const proto::Message& message);
  void on_heartbeat(NodeId from, const proto::Heartbeat& heartbeat);
  void on_link(const LinkChanged& change);
  void on_probe_answered(const ProbeAnswered& answer);
  void on_lock(const LockChanged& change);
  void on_hook(const HookFinished& done);
  void on_address_failed(const AddressFailed& failure);
  void on_addresses_seen(const AddressesSeen& seen);  // address_audit.cc
  void on_admin(NodeId from, const proto::AdminRequest& request);
  // A command that acts on this node (proto::NodeCommand); why it cannot be done, or nullopt.
  std::optional<std::string> carry_out(const proto::AdminCommand& command);
  void on_admin_reply(const proto::AdminReply& reply);
  void reply_admin(NodeId to, std::uint64_t request_id, bool ok, std::string message);
  void on_status_query(const StatusQuery& query);
  void on_status_request(NodeId from, const proto::StatusRequest& request);
  void on_status_reply(NodeId from, const proto::StatusReply& reply);
  void answer_status_locally(std::uint64_t request_id);
  void expire_status_questions();
  proto::StatusReply local_status(std::uint64_t request_id) const;
  proto::NodeStatus own_status() const;
  proto::NodeStatus member_status(NodeId node) const;
  void on_reconfigure(const Reconfigure& change);
  void on_vote_request(NodeId from, const proto::VoteRequest& request);
  void on_vote(NodeId from, const proto::Vote& vote);
  void on_shutdown();

  // links: carrier and reachability (node_machine.cc)
  // Derives `links` again; true if any interface's state changed.
  bool update_links();
  // Why each down interface is down ("no carrier", "no reply from ..."), for reports.
  std::map<InterfaceName, std::string> link_reasons() const;
  void send_probes();  // in step(): the probe round due, and local failover on a verdict

  // periodic
  void step();
  void send_heartbeats();
  void check_lease();
  // Tells the kernel the lease's end and the public addresses, if it does not know them yet.
  void limit_serving();
  void check_leader();
  void seek_leadership();
  void seek_lock();
  void become_leader(std::uint64_t new_epoch);
  // Puts PersistState first in this call's actions when the epoch seen or voted in grew.
  void persist_durable();
  void step_down(const std::string& why);
  void adopt_epoch(std::uint64_t seen, std::optional<NodeId> claimed_leader, NodeId from);
  void run_monitor();
  void send_report();
  proto::StateReport report() const;

  // this node's addresses
  void release_all(const std::string& why);
  void relocate_locally();
  Assignment local_choice(const std::vector<TakeoverItem>& taking) const;
  std::uint64_t move_held(HeldAddress& entry, const InterfaceName& to);
  void remove_held(const IpPrefix& prefix);
  void announce(const IpAddress& address, const InterfaceName& interface);  // the first send, and the repeats
  void send_due_announcements();
  std::vector<HeldAddress> reported_held() const;  // held, and what a planned stop is releasing

  // tickle lists and tickle ACKs (tickles.cc)
  bool are_tickles_on() const;
  std::vector<IpAddress> held_addresses() const;
  void update_tickle_lists();  // in step()
  TimePoint tickle_wakeup() const;
  void on_connections_listed(const ConnectionsListed& listed);
  void on_tickle_list(NodeId from, const proto::TickleList& list);
  void on_tickle_edit(const TickleEdit& edit);
  void send_tickle_list(const IpAddress& address);
  void tickle_taken(const IpAddress& address, const InterfaceName& interface);
  void send_due_tickles();  // last in step()
  void drop_unheld_tickles();
  void end_connections(const std::vector<TakeoverItem>& items);
  void check_tickle_invariants() const;

  // a planned stop (planned_stop.cc)
  void advance_shutdown();  // in step(), before the leader's work
  void finish_shutdown();   // in step(), after it
  void start_shutdown_release();
  void on_shutdown_released(std::size_t failures);  // the stop's release order is done
  void cut_shutdown_short();
  void end_shutdown();  // ShutdownDone
  bool leader_has_report() const;
  std::vector<TakeoverItem> not_yet_released(const std::vector<TakeoverItem>& items) const;

  // orders from the leader
  void on_order(NodeId from, const proto::TakeoverOrder& order);
  void carry_out_release(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void carry_out_take(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void carry_out_update(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void advance_arrivals();
  void advance_arrival(OrderInProgress& order, Arrival& arrival);
  void serve_or_release(OrderInProgress& order, Arrival& arrival);
  std::optional<std::uint64_t> remove_held_with_hook(const IpAddress& address);
  void finish_orders();

  // the leader's work (leader.cc); each takes the Leader alternative it works on
  void lead_step(Leader& lead);
  void on_report(NodeId from, const proto::StateReport& report);
  void on_ack(NodeId from, const proto::TakeoverAck& ack);
  void on_stop_report(Leader& lead, NodeId from, const proto::StateReport& report);  // planned_stop.cc
  void forget_earlier_lives(Leader& lead);
  bool ready_to_run(const Leader& lead) const;
  void start_run(Leader& lead);
  void advance_run(Leader& lead);
  void send_phase_orders(Leader& lead, bool only_waiting);
  void end_run(Leader& lead, bool ok);
  void give_ban_credit(Leader& lead, NodeId node, const std::string& why);
  ClusterView leader_view(const Leader& lead) const;
  bool may_hold(const Leader& lead, NodeId node) const;
  void gather_holdings(const Leader& lead, PlanInput& input) const;
  bool is_frozen(const Leader& lead, NodeId node) const;
  void leader_admin(NodeId from, const proto::AdminRequest& request);
  proto::StatusReply leader_status(const Leader& lead, std::uint64_t request_id) const;
  // The address a move pins: the first of the group named or holding `address` (or
  // `address` itself, alone), or why there is none.
  std::variant<IpAddress, std::string> member_to_pin(const IpAddress& address) const;
  std::variant<IpAddress, std::string> member_to_pin(const GroupName& name) const;
  // Why `target` cannot take `member` now, or nullopt.
  std::optional<std::string> refuse_move(const Leader& lead, const IpAddress& member, NodeId target) const;
};

}  // namespace tandem::cluster
