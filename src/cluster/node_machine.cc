#include "cluster/node_machine.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>
#include <string>

#include "alloc/allocate.h"
#include "base/check.h"
#include "cluster/membership.h"
#include "cluster/takeover_plan.h"

namespace tandem::cluster {

namespace {

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

Duration ms(std::uint32_t count) { return std::chrono::milliseconds(count); }

constexpr TimePoint kNever = TimePoint::max();
constexpr std::string_view kNoLease = "this node has no lease to serve";

std::string text_of(const IpPrefix& prefix) { return prefix.to_string(); }

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
};

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

}  // namespace

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
  void on_vote_request(NodeId from, const proto::VoteRequest& request);
  void on_vote(NodeId from, const proto::Vote& vote);

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
  bool ready_to_run() const;
  void start_run();
  void advance_run();
  void send_phase_orders(bool only_waiting);
  void end_run(bool ok);
  void give_ban_credit(NodeId node, const std::string& why);
  ClusterView leader_view() const;
  Assignment leader_current(std::set<NodeId>& frozen) const;
  std::map<NodeId, std::vector<HeldAddress>> reported_holdings(std::set<NodeId>& frozen) const;
  bool is_frozen(NodeId node) const;
  void leader_admin(NodeId from, const proto::AdminRequest& request);
  // Why the move cannot be done, or nullopt and `member`: an address of the group to pin.
  std::optional<std::string> refuse_move(const proto::AdminCommand& command, IpAddress& member) const;
};

NodeMachine::State::State(NodeConfig c)
    : config(std::move(c)),
      addresses(std::make_shared<AddressList>(config.public_addresses)),
      heartbeat_interval(ms(config.tunables.heartbeat_interval_ms)),
      dead_timeout(ms(config.tunables.dead_timeout_ms)),
      lease_timeout(ms(config.tunables.lease_timeout_ms)),
      lease_margin(ms(config.tunables.lease_margin_ms)),
      takeover_timeout(ms(config.tunables.takeover_timeout_ms)),
      monitor_interval(ms(config.tunables.monitor_interval_ms)),
      random(config.random_seed),
      membership(config.self, random.next() | 1, config.nodes, dead_timeout) {}

// =====================================================================================
// Plumbing

NodeFlags NodeMachine::State::own_flags() const {
  NodeFlags flags;
  if (admin_disabled) flags = flags.with(NodeFlags::kDisabled);
  if (admin_stopped) flags = flags.with(NodeFlags::kStopped);
  if (!monitor_healthy || !startup_done) flags = flags.with(NodeFlags::kUnhealthy);
  if (banned_until) flags = flags.with(NodeFlags::kBanned);
  return flags;
}

bool NodeMachine::State::may_lead() const { return started && !admin_stopped && !banned_until; }

void NodeMachine::State::send(NodeId to, proto::Message message) {
  if (to == config.self) {
    self_inbox.emplace_back(to, std::move(message));
    return;
  }
  out.push_back(SendMessage{to, std::move(message)});
}

std::uint64_t NodeMachine::State::run_hook(HookEvent event, std::vector<std::string> arguments) {
  const std::uint64_t id = next_hook_id++;
  out.push_back(RunHook{id, event, std::move(arguments)});
  return id;
}

void NodeMachine::State::drain_self_inbox() {
  // Bounded: a message to self can cause at most a few more (order -> ack -> next phase).
  for (int round = 0; round < 64 && !self_inbox.empty(); ++round) {
    auto [from, message] = std::move(self_inbox.front());
    self_inbox.pop_front();
    on_message(from, message);
  }
}

TimePoint NodeMachine::State::wakeup() const {
  TimePoint when = next_heartbeat;
  if (!held.empty() && lease_until > now) when = std::min(when, lease_until);
  if (lead && lead->run) when = std::min({when, lead->run->deadline, lead->run->resend_at});
  // A wanted run that cannot start yet (reports missing, nodes frozen) is looked at again
  // with the next heartbeat; only a run that is merely spaced out wakes us on its own.
  if (lead && !lead->run && lead->run_wanted && lead->next_run_at > now) when = std::min(when, lead->next_run_at);
  when = std::min(when, election_deadline);
  if (monitor_hook == 0 && startup_hook == 0) when = std::min(when, next_monitor);
  return when;
}

// =====================================================================================
// Events

void NodeMachine::State::on_start(const Start& start) {
  if (started) return;
  started = true;
  links = start.links;
  // Nothing is held at start: every managed address the kernel still has is stale (a
  // crash left it behind) and must go before this node takes part.
  for (const auto& found : start.found) {
    const bool is_managed = std::any_of(addresses->begin(), addresses->end(), [&](const PublicAddress& address) {
      return address.address() == found.prefix.address;
    });
    if (!is_managed) continue;
    out.push_back(RemoveAddress{found.prefix, found.interface});
    log(Log::Level::kInfo, "removed stale address " + text_of(found.prefix) + " from " + found.interface.value());
  }
  startup_hook = run_hook(HookEvent::kStartup, {});
  // Votes cast in an earlier life are forgotten; sitting out one election round keeps this
  // node from voting twice in one epoch.
  no_votes_before = now + 2 * dead_timeout;
  next_heartbeat = now;
}

void NodeMachine::State::on_message(NodeId from, const proto::Message& message) {
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, proto::Heartbeat>) on_heartbeat(from, m);
        else if constexpr (std::is_same_v<M, proto::StateReport>) on_report(from, m);
        else if constexpr (std::is_same_v<M, proto::TakeoverOrder>) on_order(from, m);
        else if constexpr (std::is_same_v<M, proto::TakeoverAck>) on_ack(from, m);
        else if constexpr (std::is_same_v<M, proto::AdminRequest>) on_admin(from, m);
        else if constexpr (std::is_same_v<M, proto::AdminReply>) on_admin_reply(m);
        else if constexpr (std::is_same_v<M, proto::VoteRequest>) on_vote_request(from, m);
        else if constexpr (std::is_same_v<M, proto::Vote>) on_vote(from, m);
      },
      message);
}

void NodeMachine::State::on_heartbeat(NodeId from, const proto::Heartbeat& heartbeat) {
  if (!started) return;
  membership.record_heard(from, heartbeat, now);
  adopt_epoch(heartbeat.epoch, heartbeat.leader, from);
  if (!leader || *leader != from || heartbeat.leader != from || heartbeat.epoch != epoch) return;
  leader_heard = now;
  // The lease runs from when we sent the heartbeat the leader acknowledges.
  if (heartbeat.echoed_incarnation != membership.incarnation()) return;
  if (auto sent = membership.sent_at(heartbeat.last_heard_seq)) {
    lease_until = std::max(lease_until, *sent + lease_timeout);
  }
}

// Follows the highest epoch seen. A node that claims leadership of a newer epoch, in its
// own heartbeat, becomes our leader; a newer epoch heard second-hand only stops us
// following (and acting for) an older leader.
void NodeMachine::State::adopt_epoch(std::uint64_t seen, std::optional<NodeId> claimed_leader, NodeId from) {
  if (seen < epoch) return;
  const bool is_claim = claimed_leader && *claimed_leader == from;
  if (seen > epoch) {
    if (lead) step_down("epoch " + std::to_string(seen) + " is newer than ours");
    epoch = seen;
    leader.reset();
  }
  if (is_claim && (!leader || *leader != from)) {
    leader = from;
    leader_heard = now;
    election_at = kNever;
    election_deadline = kNever;
    log(Log::Level::kInfo, "following leader " + std::to_string(from.value()) + " in epoch " + std::to_string(epoch));
    send_report();
  }
}

void NodeMachine::State::on_link(const LinkChanged& change) {
  links[change.interface] = change.state;
  if (!started) return;
  // Local failover: move what this link carried to another up interface now, without
  // waiting for the leader; the leader's next allocation agrees by construction.
  relocate_locally();
  send_report();
}

void NodeMachine::State::on_lock(const LockChanged& change) {
  lock_pending = false;
  switch (change.state) {
    case LockState::kHeld:
      holds_lock = true;
      if (!may_lead() || (leader && *leader != config.self) || !membership.has_quorum(now, true)) {
        holds_lock = false;
        out.push_back(ReleaseLock{});
        lock_retry_at = now + heartbeat_interval + random.below(heartbeat_interval);
        return;
      }
      become_leader(std::max(epoch, membership.highest_epoch_heard()) + 1);
      return;
    case LockState::kContended:
      lock_retry_at = now + heartbeat_interval + random.below(heartbeat_interval);
      return;
    case LockState::kLost:
      holds_lock = false;
      if (lead) step_down("the cluster lock was lost");
      return;
  }
}

void NodeMachine::State::on_hook(const HookFinished& done) {
  if (done.id == startup_hook) {
    startup_hook = 0;
    startup_done = done.ok;
    if (!done.ok) log(Log::Level::kError, "startup hook failed: the node stays UNHEALTHY and retries it");
    next_monitor = done.ok ? now : now + monitor_interval;
    send_report();
    return;
  }
  if (done.id == monitor_hook) {
    monitor_hook = 0;
    if (monitor_healthy != done.ok) {
      monitor_healthy = done.ok;
      log(done.ok ? Log::Level::kInfo : Log::Level::kWarning,
          done.ok ? "monitor passes: node is healthy" : "monitor fails: node is UNHEALTHY");
      send_report();
    }
    return;
  }
  for (auto& order : orders) {
    if (order.hooks.erase(done.id) == 0) continue;
    if (!done.ok) order.failures.push_back({IpAddress(), "a hook failed"});
    break;
  }
  finish_orders();
}

void NodeMachine::State::on_address_failed(const AddressFailed& failure) {
  log(Log::Level::kError, std::string(failure.was_add ? "adding " : "removing ") + text_of(failure.prefix) + " on " +
                              failure.interface.value() + " failed: " + failure.reason);
  if (failure.was_add) {
    // We do not hold what the kernel refused.
    remove_held(failure.prefix);
  } else {
    // The kernel still has it: so do we.
    held.push_back({failure.prefix, failure.interface});
  }
  for (auto& order : orders) order.failures.push_back({failure.prefix.address, failure.reason});
  send_report();
}

// =====================================================================================
// Periodic duties

void NodeMachine::State::step() {
  if (banned_until && now >= *banned_until) {
    banned_until.reset();
    log(Log::Level::kInfo, "ban expired");
    send_report();
  }
  check_lease();
  check_leader();
  if (now >= next_heartbeat) send_heartbeats();
  seek_leadership();
  if (lead) lead_step();
  run_monitor();
  if (now >= next_report) send_report();
}

void NodeMachine::State::send_heartbeats() {
  const std::uint64_t seq = membership.record_sent(now);
  for (NodeId peer : membership.nodes()) {
    if (peer == config.self) continue;
    proto::Heartbeat heartbeat = membership.heartbeat_for(peer, seq);
    heartbeat.epoch = epoch;
    heartbeat.leader = leader;
    heartbeat.flags = own_flags();
    // A banned node gets no acknowledgement from the leader, so its lease lapses even if
    // the ban order is lost.
    if (lead && lead->banned_until.contains(peer)) {
      heartbeat.last_heard_seq = 0;
      heartbeat.echoed_incarnation = 0;
    }
    out.push_back(SendMessage{peer, heartbeat});
  }
  if (lead && membership.has_quorum(now, holds_lock)) lease_until = std::max(lease_until, now + lease_timeout);
  next_heartbeat = now + heartbeat_interval;
}

void NodeMachine::State::check_lease() {
  if (held.empty() || has_lease()) return;
  release_all("lease lapsed");
}

void NodeMachine::State::check_leader() {
  if (!leader || *leader == config.self) return;
  if (now - leader_heard < dead_timeout) return;
  log(Log::Level::kWarning, "leader " + std::to_string(leader->value()) + " lost");
  leader.reset();
}

void NodeMachine::State::seek_leadership() {
  if (lead || leader || !may_lead()) return;
  if (config.has_cluster_lock) {
    if (!lock_pending && !holds_lock && now >= lock_retry_at && membership.has_quorum(now, true)) {
      lock_pending = true;
      out.push_back(TryLock{});
    }
    return;
  }
  if (election_deadline != kNever && now >= election_deadline) {
    election_deadline = kNever;
    election_at = now + heartbeat_interval + random.below(4 * heartbeat_interval);
  }
  if (election_at == kNever) {
    // Wait for a leader first; the lowest-numbered live node stands first.
    std::size_t rank = 0;
    for (NodeId node : membership.nodes()) {
      if (node < config.self && membership.is_alive(node, now)) ++rank;
    }
    // Losing the leader already took DeadTimeout to notice: stand at once, by rank.
    election_at = now + static_cast<Duration::rep>(rank) * heartbeat_interval + random.below(heartbeat_interval);
  }
  if (now < election_at || election_deadline != kNever || now < no_votes_before) return;
  candidate_epoch = std::max({epoch, voted_epoch, membership.highest_epoch_heard()}) + 1;
  voted_epoch = candidate_epoch;
  votes = {config.self};
  election_deadline = now + dead_timeout;
  for (NodeId peer : membership.nodes()) {
    if (peer != config.self) out.push_back(SendMessage{peer, proto::VoteRequest{candidate_epoch, config.self}});
  }
}

void NodeMachine::State::on_vote_request(NodeId from, const proto::VoteRequest& request) {
  if (!started || request.candidate != from || now < no_votes_before) return;
  if (request.epoch <= voted_epoch || request.epoch <= epoch) return;
  // A node that follows a live leader does not help unseat it.
  if (leader && (*leader == config.self || now - leader_heard < dead_timeout)) return;
  voted_epoch = request.epoch;
  send(from, proto::Vote{request.epoch, from});
}

void NodeMachine::State::on_vote(NodeId from, const proto::Vote& vote) {
  if (lead || vote.candidate != config.self || vote.epoch != candidate_epoch || election_deadline == kNever) return;
  votes.insert(from);
  if (2 * votes.size() > membership.configured()) {
    election_deadline = kNever;
    become_leader(candidate_epoch);
  }
}

void NodeMachine::State::become_leader(std::uint64_t new_epoch) {
  epoch = std::max(epoch, new_epoch);
  leader = config.self;
  lead.emplace();
  lead->since = now;
  lead->next_run_at = now;
  election_at = kNever;
  log(Log::Level::kInfo, "became leader in epoch " + std::to_string(epoch));
  next_heartbeat = now;  // tell everyone at once
  send_report();
}

void NodeMachine::State::step_down(const std::string& why) {
  log(Log::Level::kWarning, "stepping down as leader: " + why);
  lead.reset();
  if (leader && *leader == config.self) leader.reset();
  if (holds_lock) {
    holds_lock = false;
    out.push_back(ReleaseLock{});
  }
  lock_retry_at = now + dead_timeout;
  election_at = kNever;
}

void NodeMachine::State::run_monitor() {
  if (monitor_hook != 0 || startup_hook != 0 || now < next_monitor) return;
  if (!startup_done) {  // a failed startup is retried at the monitor's pace
    startup_hook = run_hook(HookEvent::kStartup, {});
    next_monitor = kNever;
    return;
  }
  monitor_hook = run_hook(HookEvent::kMonitor, {});
  next_monitor = now + monitor_interval;
}

proto::StateReport NodeMachine::State::report() const {
  proto::StateReport report;
  report.epoch = epoch;
  report.flags = own_flags();
  report.links = links;
  report.held = held;
  report.monitor_healthy = monitor_healthy;
  report.addresses = *addresses;
  report.applied_epoch = applied_epoch;
  report.applied_run_id = applied_run_id;
  return report;
}

void NodeMachine::State::send_report() {
  next_report = now + 5 * heartbeat_interval;
  if (!started || !leader) return;
  send(*leader, report());
}

// =====================================================================================
// This node's addresses

void NodeMachine::State::remove_held(const IpPrefix& prefix) {
  std::erase_if(held, [&](const HeldAddress& entry) { return entry.prefix.address == prefix.address; });
}

void NodeMachine::State::release_all(const std::string& why) {
  if (held.empty()) return;
  log(Log::Level::kWarning, "releasing every public address: " + why);
  for (const auto& entry : held) {
    out.push_back(RemoveAddress{entry.prefix, entry.interface});
    run_hook(HookEvent::kReleaseIp, {text_of(entry.prefix), entry.interface.value()});
  }
  held.clear();
  send_report();
}

// Recomputes the interfaces of what this node holds with the leader's own function: a
// one-node cluster of this node, where no group may be taken, only kept.
void NodeMachine::State::relocate_locally() {
  if (held.empty()) return;
  ClusterView view;
  view.nodes.push_back(NodeView{config.self, NodeFlags(), links, addresses});
  view.groups = config.groups;
  Tunables tunables = config.tunables;
  tunables.no_ip_takeover = 1;
  std::vector<IpAssignment> current;
  for (const auto& entry : held) current.push_back({entry.prefix.address, Placement{config.self, entry.interface}, ""});
  const Assignment result = alloc::allocate(view, tunables, Assignment(std::move(current)));
  for (auto& entry : held) {
    const auto placement = result.placement_of(entry.prefix.address);
    if (!placement || placement->interface == entry.interface) continue;  // no up interface: keep it for the leader
    out.push_back(RemoveAddress{entry.prefix, entry.interface});
    out.push_back(AddAddress{entry.prefix, placement->interface});
    out.push_back(Announce{entry.prefix.address, placement->interface});
    run_hook(HookEvent::kUpdateIp, {entry.interface.value(), placement->interface.value(), text_of(entry.prefix)});
    log(Log::Level::kInfo, "moved " + text_of(entry.prefix) + " from " + entry.interface.value() + " to " +
                               placement->interface.value());
    entry.interface = placement->interface;
  }
}

// =====================================================================================
// Orders from the leader

void NodeMachine::State::on_order(NodeId from, const proto::TakeoverOrder& order) {
  if (!started) return;
  if (order.epoch < epoch || (order.epoch == epoch && leader != from)) {
    log(Log::Level::kWarning, "refused an order of epoch " + std::to_string(order.epoch) + " from node " +
                                  std::to_string(from.value()) + ": we follow epoch " + std::to_string(epoch));
    return;
  }
  if (order.epoch > epoch) adopt_epoch(order.epoch, from, from);
  // Runs of one leader only grow: an order of a run older than one already seen was
  // overtaken, and carrying it out could undo what the newer run decided. (A leader that
  // restarted numbers its runs afresh: a new incarnation starts a new sequence.)
  const PeerState* sender = membership.peer(from);
  const std::uint64_t incarnation = sender != nullptr ? sender->incarnation : membership.incarnation();
  const bool same_leader_life = newest_run_leader == from && newest_run_incarnation == incarnation;
  if (same_leader_life && std::tie(order.epoch, order.run_id) < std::tie(newest_run_epoch, newest_run_id)) {
    log(Log::Level::kWarning, "refused an order of run " + std::to_string(order.run_id) + ": run " +
                                  std::to_string(newest_run_id) + " is newer");
    return;
  }
  newest_run_leader = from;
  newest_run_incarnation = incarnation;
  newest_run_epoch = order.epoch;
  newest_run_id = order.run_id;
  OrderInProgress progress{from, order.epoch, order.run_id, order.kind, {}, {}, {}, {}};
  switch (order.kind) {
    case TakeoverKind::kRelease: carry_out_release(progress, order.items); break;
    case TakeoverKind::kTake: carry_out_take(progress, order.items); break;
    case TakeoverKind::kUpdate: carry_out_update(progress, order.items); break;
    case TakeoverKind::kIpReallocated:
      run_hook(HookEvent::kIpReallocated, {});
      return;
  }
  orders.push_back(std::move(progress));
  finish_orders();
}

// releasegroup runs before any of the group's addresses go (the place to stop the target);
// the addresses go once those hooks are done.
void NodeMachine::State::carry_out_release(OrderInProgress& order, const std::vector<TakeoverItem>& items) {
  std::set<GroupName> groups;
  for (const auto& item : items) {
    if (item.group) groups.insert(*item.group);
  }
  for (const auto& group : groups) order.hooks.insert(run_hook(HookEvent::kReleaseGroup, {group.value()}));
  order.to_remove = items;
}

void NodeMachine::State::carry_out_take(OrderInProgress& order, const std::vector<TakeoverItem>& items) {
  if (!has_lease() || banned_until || admin_stopped) {
    for (const auto& item : items) order.failures.push_back({item.prefix.address, std::string(kNoLease)});
    return;
  }
  std::set<GroupName> groups;
  for (const auto& item : items) {
    const bool is_held = std::any_of(held.begin(), held.end(), [&](const HeldAddress& entry) {
      return entry.prefix.address == item.prefix.address;
    });
    if (!is_held) {
      out.push_back(AddAddress{item.prefix, item.interface});
      held.push_back({item.prefix, item.interface});
    }
    out.push_back(Announce{item.prefix.address, item.interface});
    order.hooks.insert(run_hook(HookEvent::kTakeIp, {text_of(item.prefix), item.interface.value()}));
    if (item.group) groups.insert(*item.group);
  }
  order.groups_to_announce.assign(groups.begin(), groups.end());
}

void NodeMachine::State::carry_out_update(OrderInProgress& order, const std::vector<TakeoverItem>& items) {
  for (const auto& item : items) {
    auto entry = std::find_if(held.begin(), held.end(),
                              [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    if (entry == held.end()) {
      order.failures.push_back({item.prefix.address, "not held here"});
      continue;
    }
    if (entry->interface == item.interface) continue;
    out.push_back(RemoveAddress{entry->prefix, entry->interface});
    out.push_back(AddAddress{entry->prefix, item.interface});
    out.push_back(Announce{entry->prefix.address, item.interface});
    order.hooks.insert(run_hook(HookEvent::kUpdateIp, {entry->interface.value(), item.interface.value(), text_of(entry->prefix)}));
    entry->interface = item.interface;
  }
}

// Answers, in order, every order whose hooks are done.
void NodeMachine::State::finish_orders() {
  while (!orders.empty() && orders.front().hooks.empty()) {
    OrderInProgress& order = orders.front();
    if (!order.to_remove.empty()) {
      for (const auto& item : order.to_remove) {
        auto entry = std::find_if(held.begin(), held.end(),
                                  [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
        if (entry == held.end()) continue;
        out.push_back(RemoveAddress{entry->prefix, entry->interface});
        order.hooks.insert(run_hook(HookEvent::kReleaseIp, {text_of(entry->prefix), entry->interface.value()}));
        held.erase(entry);
      }
      order.to_remove.clear();
      continue;  // answer once the releaseip hooks are done
    }
    if (!order.groups_to_announce.empty()) {
      for (const auto& group : order.groups_to_announce) {
        order.hooks.insert(run_hook(HookEvent::kTakeGroup, {group.value()}));
      }
      order.groups_to_announce.clear();
      continue;
    }
    // Only a take can make a report stale in the dangerous direction (holding less than
    // the leader must assume), so only takes advance what the reports say was applied: a
    // release of the same run must not vouch for the take that follows it.
    if (order.kind == TakeoverKind::kTake &&
        std::tie(order.epoch, order.run_id) > std::tie(applied_epoch, applied_run_id)) {
      applied_epoch = order.epoch;
      applied_run_id = order.run_id;
    }
    send(order.leader, proto::TakeoverAck{order.epoch, order.run_id, order.kind, order.failures.empty(), order.failures});
    orders.pop_front();
    send_report();
  }
}

// =====================================================================================
// Admin commands

void NodeMachine::State::on_admin(NodeId from, const proto::AdminRequest& request) {
  using Kind = proto::AdminCommandKind;
  const auto& command = request.command;
  const bool is_node_command = command.node && command.kind != Kind::kMoveIp && command.kind != Kind::kMoveGroup &&
                               command.kind != Kind::kReloadIps;
  // Node commands go to the node they name; cluster commands to the leader.
  const std::optional<NodeId> target = is_node_command ? command.node : leader;
  if (!target) {
    reply_admin(from, request.request_id, false, "no leader at the moment: try again");
    return;
  }
  if (*target != config.self) {
    if (from != config.self) {
      reply_admin(from, request.request_id, false, "sent to the wrong node");
      return;
    }
    forwarded[request.request_id] = *target;
    send(*target, request);
    return;
  }
  if (!is_node_command) {
    leader_admin(from, request);
    return;
  }
  std::string message = "done";
  switch (command.kind) {
    case Kind::kDisable: admin_disabled = true; break;
    case Kind::kEnable: admin_disabled = false; break;
    case Kind::kStop: admin_stopped = true; release_all("stopped by the administrator"); break;
    case Kind::kContinue: admin_stopped = false; break;
    case Kind::kBan:
      banned_until = now + std::chrono::seconds(command.ban_seconds.value_or(config.tunables.ban_period_s));
      if (lead) step_down("banned");
      release_all("banned");
      break;
    case Kind::kUnban: banned_until.reset(); break;
    case Kind::kSetInterfaceLink:
      if (!command.interface || !command.link || !links.contains(*command.interface)) {
        reply_admin(from, request.request_id, false, "no such interface on this node");
        return;
      }
      on_link(LinkChanged{*command.interface, *command.link});
      break;
    default: message = "not a node command"; break;
  }
  send_report();
  reply_admin(from, request.request_id, true, message);
}

void NodeMachine::State::on_admin_reply(const proto::AdminReply& reply) {
  if (forwarded.erase(reply.request_id) == 0) return;  // not ours (a ban's answer, a duplicate)
  out.push_back(ReplyAdmin{reply.request_id, reply.ok, reply.message});
}

// The answer goes to the local client when the request was ours, else back to the peer.
void NodeMachine::State::reply_admin(NodeId to, std::uint64_t request_id, bool ok, std::string message) {
  if (to == config.self) {
    out.push_back(ReplyAdmin{request_id, ok, std::move(message)});
    return;
  }
  send(to, proto::AdminReply{request_id, ok, std::move(message)});
}

// =====================================================================================
// The leader

void NodeMachine::State::lead_step() {
  if (!membership.has_quorum(now, holds_lock)) {
    step_down("lost contact with a majority of the nodes");
    return;
  }
  if (config.has_cluster_lock && !holds_lock) {
    step_down("does not hold the cluster lock");
    return;
  }
  for (auto it = lead->banned_until.begin(); it != lead->banned_until.end();) {
    it = now >= it->second ? lead->banned_until.erase(it) : std::next(it);
  }
  // A node lost, found, or thawed (its lease now surely lapsed) changes what to run.
  std::set<NodeId> alive, frozen;
  for (NodeId node : membership.nodes()) {
    if (membership.is_alive(node, now)) alive.insert(node);
    if (is_frozen(node)) frozen.insert(node);
  }
  // A node lost for longer than its lease has dropped everything: takes it never confirmed
  // are void (the transport delivers nothing that old; see docs/design/cluster.md).
  for (NodeId node : membership.nodes()) {
    if (!alive.contains(node) && !frozen.contains(node)) lead->unconfirmed_takes.erase(node);
  }
  if (alive != lead->alive || frozen != lead->frozen) {
    lead->alive = std::move(alive);
    lead->frozen = std::move(frozen);
    lead->run_wanted = true;
  }
  if (lead->run) {
    if (now >= lead->run->deadline) {
      for (NodeId node : lead->run->waiting) give_ban_credit(node, "did not answer a takeover order in time");
      end_run(false);
    } else if (now >= lead->run->resend_at) {
      send_phase_orders(true);
    }
    return;
  }
  if (ready_to_run()) start_run();
}

void NodeMachine::State::on_report(NodeId from, const proto::StateReport& report) {
  if (!lead || report.epoch != epoch) return;
  const PeerState* peer = membership.peer(from);
  const std::uint64_t incarnation = peer != nullptr ? peer->incarnation : 0;
  auto it = lead->reports.find(from);
  if (it != lead->reports.end() && lead->report_incarnation[from] != incarnation) {
    // It restarted: its run numbers start again, and a daemon that starts removes every
    // address it was not given, so takes its earlier life did not confirm are gone too.
    lead->reports.erase(it);
    lead->unconfirmed_takes.erase(from);
    it = lead->reports.end();
  }
  lead->report_incarnation[from] = incarnation;
  // Reports can overtake each other: one that has seen fewer orders is older.
  if (it != lead->reports.end() &&
      std::tie(report.applied_epoch, report.applied_run_id) < std::tie(it->second.applied_epoch, it->second.applied_run_id)) {
    return;
  }
  // A ban order can be lost: say it again until the node reports itself banned.
  if (auto ban = lead->banned_until.find(from); ban != lead->banned_until.end() && !report.flags.has(NodeFlags::kBanned)) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(ban->second - now).count();
    proto::AdminCommand command{proto::AdminCommandKind::kBan, from, {}, {}, {}, {}, static_cast<std::uint32_t>(std::max<std::int64_t>(seconds, 1))};
    send(from, proto::AdminRequest{0, command});
  }
  const bool changed = it == lead->reports.end() || !(it->second == report);
  lead->reports[from] = report;
  auto pending = lead->unconfirmed_takes.find(from);
  if (pending != lead->unconfirmed_takes.end() && report.applied_epoch == epoch &&
      report.applied_run_id >= pending->second.first) {
    lead->unconfirmed_takes.erase(pending);
  }
  if (changed) lead->run_wanted = true;
}

bool NodeMachine::State::ready_to_run() const {
  if (!lead->run_wanted || now < lead->next_run_at) return false;
  // Every node that may hold addresses must have told us, in this epoch, what it holds: a
  // node we reach, and a lost one whose lease we have not waited out yet.
  for (NodeId node : membership.nodes()) {
    if (node == config.self || lead->reports.contains(node)) continue;
    if (membership.is_alive(node, now) || is_frozen(node)) return false;
  }
  return true;
}

bool NodeMachine::State::is_frozen(NodeId node) const {
  if (node == config.self || membership.is_alive(node, now)) return false;
  // A new leader cannot know which leases its predecessor renewed last: it waits a whole
  // span from its win (two without a lock, as DESIGN.md says); a node this leader lost
  // itself needs one span from when it was last heard.
  const Duration span = lease_timeout + lease_margin;
  TimePoint safe = lead->since + (config.has_cluster_lock ? 1 : 2) * span;
  if (const PeerState* peer = membership.peer(node); peer && peer->last_heard) {
    safe = std::max(safe, *peer->last_heard + span);
  }
  return now < safe;
}

ClusterView NodeMachine::State::leader_view() const {
  ClusterView view;
  view.groups = config.groups;
  for (NodeId node : membership.nodes()) {
    NodeView entry{node, NodeFlags(), {}, std::make_shared<AddressList>()};
    if (node == config.self) {
      entry.flags = own_flags();
      entry.links = links;
      entry.addresses = addresses;
    } else if (auto it = lead->reports.find(node); it != lead->reports.end()) {
      entry.flags = it->second.flags;
      entry.links = it->second.links;
      entry.addresses = std::make_shared<AddressList>(it->second.addresses);
    }
    if (node != config.self && !membership.is_alive(node, now)) entry.flags = entry.flags.with(NodeFlags::kDisconnected);
    if (lead->banned_until.contains(node)) entry.flags = entry.flags.with(NodeFlags::kBanned);
    view.nodes.push_back(std::move(entry));
  }
  return view;
}

// What every node holds by its reports (a lost node's only while it is frozen, i.e. its
// lease may still run); `frozen` collects the frozen nodes.
std::map<NodeId, std::vector<HeldAddress>> NodeMachine::State::reported_holdings(std::set<NodeId>& frozen) const {
  std::map<NodeId, std::vector<HeldAddress>> holdings;
  if (!held.empty()) holdings[config.self] = held;
  for (const auto& [node, report] : lead->reports) {
    if (node == config.self) continue;
    const bool is_alive = membership.is_alive(node, now);
    if (!is_alive && !is_frozen(node)) continue;  // its lease has lapsed: it holds nothing
    holdings[node] = report.held;
  }
  for (NodeId node : membership.nodes()) {
    if (is_frozen(node)) frozen.insert(node);
  }
  return holdings;
}

// Where the allocation should think every IP is: what nodes hold, erring towards holding
// more (a take not yet confirmed counts), for stickiness.
Assignment NodeMachine::State::leader_current(std::set<NodeId>& frozen) const {
  std::map<IpAddress, IpAssignment> current;
  auto add = [&](NodeId node, const IpAddress& address, const InterfaceName& interface) {
    current.try_emplace(address, IpAssignment{address, Placement{node, interface}, ""});
  };
  for (const auto& [node, entries] : reported_holdings(frozen)) {
    for (const auto& entry : entries) add(node, entry.prefix.address, entry.interface);
  }
  for (const auto& [node, takes] : lead->unconfirmed_takes) {
    if (!membership.is_alive(node, now) && !is_frozen(node)) continue;
    for (const auto& item : takes.second) add(node, item.prefix.address, item.interface);
  }
  std::vector<IpAssignment> entries;
  for (auto& [address, entry] : current) entries.push_back(std::move(entry));
  return Assignment(std::move(entries));
}

void NodeMachine::State::start_run() {
  lead->run_wanted = false;
  std::set<NodeId> frozen;
  Assignment current = leader_current(frozen);
  ClusterView view = leader_view();
  if (!alloc::validate(view).ok()) {
    log(Log::Level::kError, "takeover run skipped: " + alloc::validate(view).error().message());
    lead->next_run_at = now + takeover_timeout;
    return;
  }
  for (const auto& pin : lead->pinned) view.pins.push_back(pin);
  const Assignment planned = alloc::allocate(view, config.tunables, current);
  std::erase_if(lead->pinned, [&](const auto& pin) {
    const auto placement = planned.placement_of(pin.first);
    return !placement || placement->node != pin.second;
  });

  PlanInput input;
  for (const auto& node : view.nodes) {
    for (const auto& address : *node.addresses) input.prefixes.emplace(address.address(), address.prefix);
  }
  auto with_prefix = [&](const IpAddress& address, const InterfaceName& interface) {
    auto it = input.prefixes.find(address);
    return HeldAddress{it != input.prefixes.end() ? it->second : IpPrefix{address, 0}, interface};
  };
  for (const auto& [node, held_there] : reported_holdings(frozen)) {
    for (const auto& entry : held_there) input.held[node].push_back(with_prefix(entry.prefix.address, entry.interface));
  }
  for (const auto& [node, takes] : lead->unconfirmed_takes) {
    if (!membership.is_alive(node, now) && !is_frozen(node)) continue;
    for (const auto& item : takes.second) input.maybe_held[node].push_back(with_prefix(item.prefix.address, item.interface));
  }
  input.planned = planned;
  input.groups = config.groups;
  input.frozen = frozen;
  TakeoverPlan plan = plan_takeover(input);
  if (plan.skipped_groups > 0) lead->run_wanted = true;  // again once the frozen nodes thaw
  if (plan.empty()) {
    lead->next_run_at = now + heartbeat_interval;
    for (const auto& [origin, id] : lead->replies_after_run) reply_admin(origin, id, true, "nothing to move");
    lead->replies_after_run.clear();
    return;
  }
  TakeoverRun run;
  run.id = lead->next_run_id++;
  run.plan = std::move(plan);
  lead->run = std::move(run);
  log(Log::Level::kInfo, "takeover run " + std::to_string(lead->run->id) + " starts");
  lead->run->phase = lead->run->plan.has_releases() ? TakeoverRun::Phase::kRelease : TakeoverRun::Phase::kTake;
  advance_run();
}

// Sends the orders of the run's current phase and waits for their acknowledgements.
void NodeMachine::State::advance_run() {
  TakeoverRun& run = *lead->run;
  run.waiting.clear();
  run.deadline = now + takeover_timeout;
  send_phase_orders(false);
  if (!run.waiting.empty()) return;
  if (run.phase == TakeoverRun::Phase::kRelease) {
    run.phase = TakeoverRun::Phase::kTake;
    advance_run();
    return;
  }
  end_run(true);
}

// All of the phase's orders, or again those not yet answered: a lost order or ack costs a
// resend, not a ban credit (carrying out an order twice changes nothing).
void NodeMachine::State::send_phase_orders(bool only_waiting) {
  TakeoverRun& run = *lead->run;
  run.resend_at = now + takeover_timeout / 4;
  for (const auto& [node, node_orders] : run.plan.orders) {
    if (only_waiting && !run.waiting.contains(node)) continue;
    if (run.phase == TakeoverRun::Phase::kRelease) {
      if (node_orders.releases.empty()) continue;
      run.waiting.insert(node);
      send(node, proto::TakeoverOrder{epoch, run.id, TakeoverKind::kRelease, node_orders.releases});
      continue;
    }
    if (!node_orders.takes.empty()) {
      run.waiting.insert(node);
      lead->unconfirmed_takes[node] = {run.id, node_orders.takes};
      send(node, proto::TakeoverOrder{epoch, run.id, TakeoverKind::kTake, node_orders.takes});
    }
    if (!node_orders.updates.empty() && !only_waiting) {
      send(node, proto::TakeoverOrder{epoch, run.id, TakeoverKind::kUpdate, node_orders.updates});
    }
  }
}

void NodeMachine::State::on_ack(NodeId from, const proto::TakeoverAck& ack) {
  if (!lead || !lead->run || ack.epoch != epoch || ack.run_id != lead->run->id) return;
  TakeoverRun& run = *lead->run;
  const bool is_current_phase = (run.phase == TakeoverRun::Phase::kRelease) == (ack.kind == TakeoverKind::kRelease);
  if (ack.kind == TakeoverKind::kUpdate || !is_current_phase || run.waiting.erase(from) == 0) return;
  if (ack.ok) lead->ban_credits.erase(from);  // credits count failures in a row
  if (!ack.ok) {
    run.failed = true;
    // A node without a lease could not serve, which is no misbehaviour: no ban credit.
    const bool lacks_lease = !ack.failures.empty() && std::all_of(ack.failures.begin(), ack.failures.end(), [](const auto& f) {
      return f.reason == kNoLease;
    });
    if (!lacks_lease) give_ban_credit(from, ack.failures.empty() ? "a takeover step failed" : ack.failures.front().reason);
  }
  if (!run.waiting.empty()) return;
  if (run.failed) {
    end_run(false);
    return;
  }
  if (run.phase == TakeoverRun::Phase::kRelease) {
    run.phase = TakeoverRun::Phase::kTake;
    advance_run();
    return;
  }
  end_run(true);
}

void NodeMachine::State::end_run(bool ok) {
  log(ok ? Log::Level::kInfo : Log::Level::kWarning,
      "takeover run " + std::to_string(lead->run->id) + (ok ? " done" : " failed; will run again"));
  if (ok) {
    for (NodeId node : membership.nodes()) {
      if (membership.is_alive(node, now)) send(node, proto::TakeoverOrder{epoch, lead->run->id, TakeoverKind::kIpReallocated, {}});
    }
  }
  for (const auto& [origin, id] : lead->replies_after_run) {
    reply_admin(origin, id, ok, ok ? "done" : "the takeover run failed");
  }
  lead->replies_after_run.clear();
  lead->run.reset();
  lead->run_wanted = true;  // confirm the result (and retry what failed) with fresh reports
  lead->next_run_at = now + (ok ? heartbeat_interval : takeover_timeout / 4);
}

void NodeMachine::State::give_ban_credit(NodeId node, const std::string& why) {
  const std::uint32_t credits = ++lead->ban_credits[node];
  log(Log::Level::kWarning, "node " + std::to_string(node.value()) + ": " + why + " (ban credit " +
                                std::to_string(credits) + " of " + std::to_string(config.tunables.ban_credits_max) + ")");
  if (credits < config.tunables.ban_credits_max || node == config.self) return;
  lead->ban_credits.erase(node);
  lead->banned_until[node] = now + std::chrono::seconds(config.tunables.ban_period_s);
  proto::AdminCommand ban{proto::AdminCommandKind::kBan, node, {}, {}, {}, {}, config.tunables.ban_period_s};
  send(node, proto::AdminRequest{0, ban});
  log(Log::Level::kWarning, "banned node " + std::to_string(node.value()) + " for " +
                                std::to_string(config.tunables.ban_period_s) + " s");
}

void NodeMachine::State::leader_admin(NodeId from, const proto::AdminRequest& request) {
  using Kind = proto::AdminCommandKind;
  const auto& command = request.command;
  if (!lead) {
    reply_admin(from, request.request_id, false, "this node is not the leader");
    return;
  }
  if (command.kind == Kind::kMoveIp || command.kind == Kind::kMoveGroup) {
    IpAddress member;
    if (auto refusal = refuse_move(command, member)) {
      reply_admin(from, request.request_id, false, *refusal);
      return;
    }
    lead->pinned[member] = *command.node;
  }
  lead->run_wanted = true;
  lead->next_run_at = now;
  lead->replies_after_run.emplace_back(from, request.request_id);
}

std::optional<std::string> NodeMachine::State::refuse_move(const proto::AdminCommand& command, IpAddress& member) const {
  if (!command.node) return "no destination node given";
  const NodeId target = *command.node;
  const IpGroup* found = nullptr;
  for (const auto& candidate : config.groups) {
    const bool matches = command.kind == proto::AdminCommandKind::kMoveGroup
                             ? command.group && candidate.name == *command.group
                             : std::any_of(candidate.members.begin(), candidate.members.end(),
                                           [&](const GroupMember& m) { return command.address && m.address == *command.address; });
    if (matches) found = &candidate;
  }
  if (found == nullptr && command.kind == proto::AdminCommandKind::kMoveGroup) {
    return "no group named '" + (command.group ? command.group->value() : std::string()) + "'";
  }
  if (found == nullptr && !command.address) return "no address given";
  member = found != nullptr ? found->members.front().address : *command.address;
  const ClusterView view = leader_view();
  const NodeView* node = nullptr;
  for (const auto& candidate : view.nodes) {
    if (candidate.pnn == target) node = &candidate;
  }
  if (node == nullptr) return "no node " + std::to_string(target.value());
  if (node->flags.is_inactive() || node->flags.is_disabled()) return "node " + std::to_string(target.value()) + " cannot host IPs now";
  const bool lists = std::any_of(node->addresses->begin(), node->addresses->end(),
                                 [&](const PublicAddress& a) { return a.address() == member; });
  if (!lists) return "node " + std::to_string(target.value()) + " cannot host " + member.to_string();
  return std::nullopt;
}

// =====================================================================================
// NodeMachine

NodeMachine::NodeMachine(NodeConfig config) : state_(std::make_unique<State>(std::move(config))) {}
NodeMachine::~NodeMachine() = default;
NodeMachine::NodeMachine(NodeMachine&&) noexcept = default;
NodeMachine& NodeMachine::operator=(NodeMachine&&) noexcept = default;

std::vector<Action> NodeMachine::on(const Event& event, TimePoint now) {
  State& s = *state_;
  s.now = now;
  s.out.clear();
  std::visit(
      [&](const auto& e) {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, Start>) s.on_start(e);
        else if constexpr (std::is_same_v<E, PeerMessage>) s.on_message(e.from, e.message);
        else if constexpr (std::is_same_v<E, LinkChanged>) s.on_link(e);
        else if constexpr (std::is_same_v<E, LockChanged>) s.on_lock(e);
        else if constexpr (std::is_same_v<E, HookFinished>) s.on_hook(e);
        else if constexpr (std::is_same_v<E, AddressFailed>) s.on_address_failed(e);
        else if constexpr (std::is_same_v<E, AdminCommandReceived>) s.on_admin(s.config.self, proto::AdminRequest{e.request_id, e.command});
      },
      event);
  s.drain_self_inbox();
  if (s.started) s.step();
  s.drain_self_inbox();
  return std::move(s.out);
}

TimePoint NodeMachine::next_wakeup() const { return state_->wakeup(); }
NodeId NodeMachine::self() const { return state_->config.self; }
std::uint64_t NodeMachine::epoch() const { return state_->epoch; }
std::optional<NodeId> NodeMachine::leader() const { return state_->leader; }
bool NodeMachine::is_leader() const { return state_->lead.has_value(); }
bool NodeMachine::has_lease(TimePoint now) const { return now < state_->lease_until; }
const std::vector<proto::HeldAddress>& NodeMachine::held() const { return state_->held; }
NodeFlags NodeMachine::flags() const { return state_->own_flags(); }

}  // namespace tandem::cluster
