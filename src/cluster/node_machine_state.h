// NodeMachine::State and the types it is made of: private to the files of the machine
// (node_machine.cc, follower_orders.cc, leader.cc). PURE, like them.
#pragma once

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "alloc/allocate.h"
#include "base/check.h"
#include "cluster/membership.h"
#include "cluster/node_machine.h"
#include "cluster/takeover_plan.h"

namespace tandem::cluster {

namespace detail {

using proto::HeldAddress;
using proto::TakeoverItem;
using proto::TakeoverKind;

// splitmix64: the election jitter's only source, seeded from the configuration.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  Duration below(Duration limit) {
    const auto ticks = static_cast<std::uint64_t>(std::max<Duration::rep>(limit.count(), 1));
    return Duration(static_cast<Duration::rep>(next() % ticks));
  }

 private:
  std::uint64_t state_;
};

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

// A takeover order this node is carrying out, waiting for its hooks before it answers.
struct OrderInProgress {
  NodeId leader;
  std::uint64_t epoch = 0;
  std::uint64_t run_id = 0;
  TakeoverKind kind = TakeoverKind::kRelease;
  std::set<std::uint64_t> hooks;  // still running
  std::vector<proto::TakeoverFailure> failures;
  // Addresses to remove once the releasegroup hooks have run.
  std::vector<TakeoverItem> to_remove;
  // Groups whose takegroup hook runs once every takeip hook is done.
  std::vector<GroupName> groups_to_announce;
  // The release of a planned stop (Shutdown): answered with the final report, not an ack.
  bool is_shutdown = false;
};

// One takeover run on the leader: release phase, then take phase, then ipreallocated.
struct TakeoverRun {
  std::uint64_t id = 0;
  enum class Phase : std::uint8_t { kRelease, kTake } phase = Phase::kRelease;
  TakeoverPlan plan;
  std::set<NodeId> waiting;  // nodes whose acknowledgement of this phase is due
  TimePoint deadline;
  TimePoint resend_at;       // orders are idempotent: unanswered ones are sent again
  bool failed = false;
  // Failed only because nodes in a planned stop refused takes: run again soon, without them.
  bool retry_soon = true;
  bool sees_shutdown = false;  // started after this leader's own Shutdown: plans its groups away
};

// A status question this node forwarded to its leader for its control socket.
struct StatusQuestion {
  NodeId asked;      // only this node's StatusReply answers it
  TimePoint sent_at; // unanswered after kStatusWait, it is answered with this node's view
};

// Status questions waiting for the leader at once: the control socket serves at most 32
// connections, so more means answers were lost; the oldest is then answered locally.
inline constexpr std::size_t kStatusQuestionsMax = 64;

struct LeaderState {
  TimePoint since;
  std::uint64_t next_run_id = 1;
  std::optional<TakeoverRun> run;
  bool run_wanted = true;
  TimePoint next_run_at;
  std::map<NodeId, proto::StateReport> reports;  // this epoch's, newest applied run wins
  std::map<NodeId, std::uint64_t> report_incarnation;  // the node's life each report is from
  std::set<NodeId> alive;   // as of the last step: a change wants a run
  std::set<NodeId> frozen;
  std::map<NodeId, std::uint32_t> ban_credits;
  std::map<NodeId, TimePoint> banned_until;
  // Takes sent whose effect a later report has not confirmed yet: the node may hold them.
  std::map<NodeId, std::pair<std::uint64_t, std::vector<TakeoverItem>>> unconfirmed_takes;
  // moveip/movegroup: groups (named by one address) put on a node by hand; a pin holds
  // until that node can no longer serve the group as well as any other.
  std::map<IpAddress, NodeId> pinned;
  std::vector<std::pair<NodeId, std::uint64_t>> replies_after_run;  // ipreallocate
};

}  // namespace detail

using namespace detail;  // NOLINT: the machine's own vocabulary, private to its files

struct NodeMachine::State {
  explicit State(NodeConfig c);

  // ---- configuration
  NodeConfig config;
  SharedAddressList addresses;
  Duration heartbeat_interval, dead_timeout, lease_timeout, lease_margin, takeover_timeout, monitor_interval;
  Random random;

  // ---- per call
  TimePoint now;
  std::vector<Action> out;
  std::deque<std::pair<NodeId, proto::Message>> self_inbox;

  // ---- this node
  bool started = false;
  bool startup_done = false;
  std::map<InterfaceName, LinkState> links;
  bool admin_disabled = false;
  bool admin_stopped = false;
  bool monitor_healthy = true;
  std::optional<TimePoint> banned_until;
  std::vector<HeldAddress> held;
  TimePoint lease_until = kTimeZero;
  std::uint64_t next_hook_id = 1;
  std::uint64_t startup_hook = 0;
  std::uint64_t monitor_hook = 0;
  TimePoint next_monitor = kNever;
  std::deque<OrderInProgress> orders;
  std::uint64_t applied_epoch = 0;
  std::uint64_t applied_run_id = 0;
  NodeId newest_run_leader;             // the newest run any order of the leader named
  std::uint64_t newest_run_incarnation = 0;
  std::uint64_t newest_run_epoch = 0;
  std::uint64_t newest_run_id = 0;
  std::map<std::uint64_t, NodeId> forwarded;  // request id -> the node we asked (admin)
  // Status questions forwarded to the leader, by the control socket's request id. Kept
  // apart from `forwarded`: a StatusReply never answers an admin command, nor the reverse,
  // even if the daemon numbered both alike. Bounded by kStatusQuestionsMax and by age.
  std::map<std::uint64_t, StatusQuestion> status_questions;

  // ---- planned stop (Shutdown; planned_stop.cc)
  bool shutting_down = false;            // takes nothing, may not lead, STOPPED in its flags
  bool shutdown_release_started = false; // the stop's own release order was queued
  bool shutdown_released = false;        // ... and carried out: the final report went out
  bool shutdown_run_pending = false;     // a leader owes a run, started after its Shutdown, that ends well
  bool shutdown_done = false;            // ShutdownDone was emitted
  TimePoint shutdown_deadline = kNever;  // EventScriptTimeoutMs after the Shutdown
  TimePoint linger_until = kNever;       // waits this long at most for a leader to have our report
  TimePoint shutdown_reported_at = kNever;  // our latest report to a leader since the Shutdown
  // Addresses removed since the Shutdown whose releaseip hooks still run, by hook id. Reports
  // list them as held until then: a removal the kernel refused is heard (AddressFailed)
  // only after the batch that asked for it, and a hook always ends in a later event; so a
  // report of a stopping node never lists less than the node may hold.
  std::map<std::uint64_t, HeldAddress> shutdown_releasing;

  // ---- membership and leadership
  Membership membership;
  TimePoint next_heartbeat = kTimeZero;
  TimePoint next_report = kNever;
  std::uint64_t epoch = 0;
  std::optional<NodeId> leader;
  TimePoint leader_heard = kTimeZero;
  bool holds_lock = false;
  bool lock_pending = false;
  TimePoint lock_retry_at = kTimeZero;
  std::uint64_t voted_epoch = 0;
  std::uint64_t candidate_epoch = 0;
  std::set<NodeId> votes;
  TimePoint election_at = kNever;
  TimePoint election_deadline = kNever;
  TimePoint no_votes_before = kTimeZero;
  std::optional<LeaderState> lead;

  // ---------------------------------------------------------------------------------
  void apply_tunables();  // the durations derived from config.tunables
  NodeFlags own_flags() const;
  bool may_lead() const;
  bool has_lease() const { return now < lease_until; }
  void send(NodeId to, proto::Message message);
  void log(Log::Level level, std::string text) { out.push_back(Log{level, std::move(text)}); }
  std::uint64_t run_hook(HookEvent event, std::vector<std::string> arguments);
  void drain_self_inbox();
  TimePoint wakeup() const;

  // events
  void on_start(const Start& start);
  void on_message(NodeId from, const proto::Message& message);
  void on_heartbeat(NodeId from, const proto::Heartbeat& heartbeat);
  void on_link(const LinkChanged& change);
  void on_lock(const LockChanged& change);
  void on_hook(const HookFinished& done);
  void on_address_failed(const AddressFailed& failure);
  void on_admin(NodeId from, const proto::AdminRequest& request);
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

  // periodic
  void step();
  void send_heartbeats();
  void check_lease();
  void check_leader();
  void seek_leadership();
  void become_leader(std::uint64_t new_epoch);
  void step_down(const std::string& why);
  void adopt_epoch(std::uint64_t seen, std::optional<NodeId> claimed_leader, NodeId from);
  void run_monitor();
  void send_report();
  proto::StateReport report() const;

  // this node's addresses
  void release_all(const std::string& why);
  void relocate_locally();
  void remove_held(const IpPrefix& prefix);
  std::vector<HeldAddress> reported_held() const;  // held, and what a planned stop is releasing

  // a planned stop (planned_stop.cc)
  void advance_shutdown();      // in step(), before the leader's work
  void finish_shutdown();       // in step(), after it
  void start_shutdown_release();
  void on_shutdown_released(std::size_t failures);  // the stop's release order is done
  void cut_shutdown_short();
  bool leader_has_report() const;
  std::vector<TakeoverItem> not_yet_released(const std::vector<TakeoverItem>& items) const;

  // orders from the leader
  void on_order(NodeId from, const proto::TakeoverOrder& order);
  void carry_out_release(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void carry_out_take(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void carry_out_update(OrderInProgress& order, const std::vector<TakeoverItem>& items);
  void finish_orders();

  // the leader's work
  void lead_step();
  void on_report(NodeId from, const proto::StateReport& report);
  void on_ack(NodeId from, const proto::TakeoverAck& ack);
  void on_stop_report(NodeId from, const proto::StateReport& report);  // planned_stop.cc
  bool ready_to_run() const;
  void start_run();
  void advance_run();
  void send_phase_orders(bool only_waiting);
  void end_run(bool ok);
  void give_ban_credit(NodeId node, const std::string& why);
  ClusterView leader_view() const;
  bool may_hold(NodeId node) const;
  void gather_holdings(PlanInput& input) const;
  bool is_frozen(NodeId node) const;
  void leader_admin(NodeId from, const proto::AdminRequest& request);
  proto::StatusReply leader_status(std::uint64_t request_id) const;
  // Why the move cannot be done, or nullopt and `member`: an address of the group to pin.
  std::optional<std::string> refuse_move(const proto::AdminCommand& command, IpAddress& member) const;
};

}  // namespace tandem::cluster
