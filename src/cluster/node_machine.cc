#include "cluster/node_machine.h"

#include "base/overloaded.h"
#include "cluster/node_machine_state.h"

namespace tandem::cluster {

NodeMachine::State::State(NodeConfig c)
    : config{c.self, std::move(c.groups), c.tunables, c.has_cluster_lock, std::move(c.probe_targets)},
      addresses(std::make_shared<AddressList>(std::move(c.public_addresses))),
      random(c.random_seed),
      membership(c.self, random.next() | 1, std::move(c.nodes), ms(c.tunables.dead_timeout_ms)),
      leadership(c.self) {}

// =====================================================================================
// Plumbing

NodeFlags NodeMachine::State::own_flags() const {
  NodeFlags flags;
  if (admin_disabled) flags = flags.with(NodeFlags::kDisabled);
  if (admin_stopped || shutting_down()) flags = flags.with(NodeFlags::kStopped);
  if (!health.is_healthy()) flags = flags.with(NodeFlags::kUnhealthy);
  if (banned_until) flags = flags.with(NodeFlags::kBanned);
  return flags;
}

bool NodeMachine::State::may_lead() const { return started && !admin_stopped && !shutting_down() && !banned_until; }

void NodeMachine::State::send(NodeId to, proto::Message message) {
  if (to == config.self) {
    self_inbox.emplace_back(to, std::move(message));
    return;
  }
  out.push_back(SendMessage{to, std::move(message)});
}

std::uint64_t NodeMachine::State::run_hook(HookEvent event, std::vector<std::string> arguments) {
  const std::uint64_t id = next_hook_id++;
  // Built in place: moving a RunHook temporary into the Action makes GCC 12 warn falsely
  // (-Wmaybe-uninitialized) since the Message variant grew. The alternative is made
  // default and then filled, since clang-tidy's clang 14 cannot build an aggregate from
  // parentheses (C++20's P0960).
  auto& hook = std::get<RunHook>(out.emplace_back(std::in_place_type<RunHook>));
  hook.id = id;
  hook.event = event;
  hook.arguments = std::move(arguments);
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
  if (!held.empty() && lease.until() > now) when = std::min(when, lease.until());
  if (const Leader* leading = lead()) when = std::min(when, leading->runs.wakeup(now));
  if (const Candidate* candidate = leadership.standing()) when = std::min(when, candidate->deadline);
  if (!shutting_down()) when = std::min(when, health.next_check());
  if (stop.is_under_way()) when = std::min(when, stop.wakeup());
  if (started) when = std::min(when, reachability.next_due());
  when = std::min(when, tickle_wakeup());
  return std::min(when, announcements.next_due());
}

// =====================================================================================
// Events

void NodeMachine::State::on_start(const Start& start) {
  if (started) return;
  started = true;
  carrier = start.links;
  reachability.configure(config.probe_targets, now);
  (void)update_links();
  // The kernel hears at once that nothing serves without a lease, before the stale
  // addresses go (a killed daemon's kernel may still let them serve).
  limit_serving();
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
  health.startup_started(run_hook(HookEvent::kStartup, {}));
  if (start.durable) {
    // The disk kept the highest epoch seen and voted in: this node votes, stands and leads
    // only above them, so it needs no sit-out.
    leadership.restore(*start.durable);
    durable_told = *start.durable;
    log(Log::Level::kInfo, "durable state: epoch " + std::to_string(start.durable->epoch) + ", voted in epoch " +
                               std::to_string(start.durable->voted_epoch));
  } else {
    // A fresh node (a first start, or a wiped disk) may have voted in an earlier life it
    // no longer remembers: sitting out one election round keeps it from voting twice in
    // one epoch.
    leadership.no_votes_before(now + 2 * dead_timeout());
    log(Log::Level::kInfo, "no durable state: a fresh node, which sits out one election round before it votes");
  }
  next_heartbeat = now;
}

// Exhaustive: a message type added to proto::Message that is not handled here fails to compile.
void NodeMachine::State::on_message(NodeId from, const proto::Message& message) {
  std::visit(Overloaded{
                 [&](const proto::Heartbeat& m) { on_heartbeat(from, m); },
                 [&](const proto::StateReport& m) { on_report(from, m); },
                 [&](const proto::TakeoverOrder& m) { on_order(from, m); },
                 [&](const proto::TakeoverAck& m) { on_ack(from, m); },
                 [&](const proto::AdminRequest& m) { on_admin(from, m); },
                 [&](const proto::AdminReply& m) { on_admin_reply(m); },
                 [&](const proto::VoteRequest& m) { on_vote_request(from, m); },
                 [&](const proto::Vote& m) { on_vote(from, m); },
                 [&](const proto::StatusRequest& m) { on_status_request(from, m); },
                 [&](const proto::StatusReply& m) { on_status_reply(from, m); },
                 [&](const proto::TickleList& m) { on_tickle_list(from, m); },
             },
             message);
}

void NodeMachine::State::on_heartbeat(NodeId from, const proto::Heartbeat& heartbeat) {
  if (!started) return;
  membership.record_heard(from, heartbeat, now);
  adopt_epoch(heartbeat.epoch, heartbeat.leader, from);
  Follower* follower = leadership.following();
  if (follower == nullptr || follower->leader != from || heartbeat.epoch != epoch()) return;
  if (heartbeat.leader != from) {
    // Our leader says, in its newest heartbeat, that it leads no more (a planned stop, a
    // lost lock or quorum): look for the next leader now rather than after DeadTimeout.
    // The lease stays as the leader last renewed it; the next leader waits it out.
    const PeerState* peer = membership.peer(from);
    if (peer == nullptr || peer->last_seq_heard != heartbeat.sent_seq) return;  // an overtaken one
    log(Log::Level::kInfo, "leader " + std::to_string(from.value()) + " stepped down");
    leadership.lose_leader();
    return;
  }
  follower->leader_heard = now;
  pins_heard.clear();
  for (const auto& pin : heartbeat.pins) pins_heard.emplace(pin.address, pin.node);
  // The lease runs from when we sent the heartbeat the leader acknowledges.
  if (heartbeat.echoed_incarnation != membership.incarnation()) return;
  if (auto sent = membership.sent_at(heartbeat.last_heard_seq)) {
    lease.extend_to(*sent + lease_timeout());
    limit_serving();
  }
}

// Follows the highest epoch seen. A node that claims leadership of a newer epoch, in its
// own heartbeat, becomes our leader; a newer epoch heard second-hand only stops us
// following (and acting for) an older leader.
void NodeMachine::State::adopt_epoch(std::uint64_t seen, std::optional<NodeId> claimed_leader, NodeId from) {
  if (seen < epoch()) return;
  const bool is_claim = claimed_leader && *claimed_leader == from;
  if (seen > epoch()) {
    if (lead()) step_down("epoch " + std::to_string(seen) + " is newer than ours");
    leadership.raise_epoch(seen);
  }
  // Another node claims the epoch we lead: it won the lock just before us and lost it, or
  // we both counted ourselves winners. Neither may go on leading it: a new epoch settles it.
  if (is_claim && lead())
    step_down("node " + std::to_string(from.value()) + " claims epoch " + std::to_string(epoch()) + " too");
  if (is_claim && leader() != from) {
    leadership.follow(from, now);
    log(Log::Level::kInfo, "following leader " + std::to_string(from.value()) + " in epoch " + std::to_string(epoch()));
    send_report();
  }
}

void NodeMachine::State::on_link(const LinkChanged& change) {
  carrier[change.interface] = change.state;
  (void)update_links();
  if (!started) return;
  // Local failover: move what this link carried to another up interface now, without
  // waiting for the leader; the leader's next allocation agrees by construction.
  relocate_locally();
  send_report();
}

void NodeMachine::State::on_probe_answered(const ProbeAnswered& answer) {
  reachability.answered(answer.interface, answer.target);
}

bool NodeMachine::State::update_links() {
  std::map<InterfaceName, LinkState> next;
  for (const auto& [interface, state] : carrier) {
    const bool is_up = state == LinkState::kUp && reachability.is_reachable(interface);
    next[interface] = is_up ? LinkState::kUp : LinkState::kDown;
  }
  if (next == links) return false;
  links = std::move(next);
  return true;
}

std::map<InterfaceName, std::string> NodeMachine::State::link_reasons() const {
  std::map<InterfaceName, std::string> reasons;
  for (const auto& [interface, state] : carrier) {
    if (state != LinkState::kUp) {
      reasons[interface] = "no carrier";
    } else if (auto why = reachability.why_unreachable(interface)) {
      reasons[interface] = std::move(*why);
    }
  }
  return reasons;
}

// Probes go out only where the carrier is up (elsewhere the kernel could not send them);
// a round without them counts as missed, so a carrier that comes back is trusted for
// allocation only after ProbeSuccesses answered rounds.
void NodeMachine::State::send_probes() {
  const Reachability::Round round = reachability.take_due(now, probe_counts());
  for (const SendProbe& probe : round.probes) {
    if (auto state = carrier.find(probe.interface); state != carrier.end() && state->second == LinkState::kUp)
      out.push_back(probe);
  }
  for (const InterfaceName& interface : round.changed) {
    const auto why = reachability.why_unreachable(interface);
    log(why ? Log::Level::kWarning : Log::Level::kInfo,
        "interface " + interface.value() + (why ? " unreachable: " + *why : " reachable again"));
  }
  if (!update_links()) return;
  // As a carrier change: local failover now, and the leader hears of it.
  relocate_locally();
  send_report();
}

void NodeMachine::State::on_lock(const LockChanged& change) {
  lock.on_result(change.state);
  switch (change.state) {
    case LockState::kHeld:
      if (!may_lead() || (leader() && *leader() != config.self) || !membership.has_quorum(now, true)) {
        (void)lock.give_up();
        out.push_back(ReleaseLock{});
        lock.retry_after(now + heartbeat_interval() + random.below(heartbeat_interval()));
        return;
      }
      become_leader(std::max(epoch(), membership.highest_epoch_heard()) + 1);
      return;
    case LockState::kContended:
      lock.retry_after(now + heartbeat_interval() + random.below(heartbeat_interval()));
      return;
    case LockState::kLost:
      if (lead()) step_down("the cluster lock was lost");
      return;
  }
}

void NodeMachine::State::on_hook(const HookFinished& done) {
  stop.hook_done(done.id);
  switch (health.on_hook(done.id, done.ok, now, monitor_interval())) {
    case Health::Outcome::kStartupFailed:
      log(Log::Level::kError, "startup hook failed: the node stays UNHEALTHY and retries it");
      send_report();
      return;
    case Health::Outcome::kStartupPassed:
      send_report();
      return;
    case Health::Outcome::kMonitorChanged:
      log(done.ok ? Log::Level::kInfo : Log::Level::kWarning,
          done.ok ? "monitor passes: node is healthy" : "monitor fails: node is UNHEALTHY");
      send_report();
      return;
    case Health::Outcome::kMonitorSame:
      return;
    case Health::Outcome::kNotOurs:
      break;
  }
  (void)executor.on_hook(done.id, done.ok);
  finish_orders();
}

void NodeMachine::State::on_address_failed(const AddressFailed& failure) {
  log(Log::Level::kError, std::string(failure.was_add ? "adding " : "removing ") + text_of(failure.prefix) + " on " +
                              failure.interface.value() + " failed: " + failure.reason);
  if (failure.was_add) {
    // We do not hold what the kernel refused; a group that was arriving with it is released.
    remove_held(failure.prefix);
    executor.on_add_refused(failure.prefix.address);
  } else {
    // The kernel still has it: so do we.
    held.push_back({failure.prefix, failure.interface});
  }
  executor.fail_all({failure.prefix.address, proto::FailureCause::kAddressFailed, failure.reason});
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
  expire_status_questions();
  send_probes();
  if (now >= next_heartbeat) send_heartbeats();
  seek_leadership();
  advance_shutdown();
  if (Leader* leading = lead()) lead_step(*leading);
  run_monitor();
  if (now >= next_report) send_report();
  finish_shutdown();
  update_tickle_lists();
  send_due_announcements();  // last: whatever this step released is announced no more
  send_due_tickles();        // and tickled no more
}

void NodeMachine::State::send_heartbeats() {
  const std::uint64_t seq = membership.record_sent(now);
  for (NodeId peer : membership.nodes()) {
    if (peer == config.self) continue;
    proto::Heartbeat heartbeat = membership.heartbeat_for(peer, seq);
    heartbeat.epoch = epoch();
    heartbeat.leader = leader();
    heartbeat.flags = own_flags();
    if (const Leader* leading = lead()) {
      for (const auto& [address, node] : leading->pinned) heartbeat.pins.push_back(proto::Pin{address, node});
    }
    // A banned node gets no acknowledgement from the leader, so its lease lapses even if
    // the ban order is lost.
    if (lead() && lead()->bans.is_banned(peer)) {
      heartbeat.last_heard_seq = 0;
      heartbeat.echoed_incarnation = 0;
    }
    out.push_back(SendMessage{peer, heartbeat});
  }
  if (Leader* leading = lead(); leading && membership.has_quorum(now, lock.is_held())) {
    leading->has_renewed_lease = true;
    lease.extend_to(now + lease_timeout());
    limit_serving();  // before any take this step orders itself
  }
  next_heartbeat = now + heartbeat_interval();
}

void NodeMachine::State::limit_serving() {
  std::vector<IpAddress> list;
  list.reserve(addresses->size());
  for (const auto& address : *addresses) list.push_back(address.address());
  if (auto told = serving_limit.renewal(lease.until(), list)) out.emplace_back(std::move(*told));
}

void NodeMachine::State::check_lease() {
  // A leader renews its own lease at every heartbeat while it has quorum, so a lapsed one
  // means its view of the cluster is a lease old: after a stall, the messages and lock news
  // still queued for it would show a quorum and a lock that may both be gone, and another
  // node may lead and hold its groups by now. It must not renew on that view and take them
  // back (the simulator's 2-node sweep, seed 95): it steps down and learns the cluster anew.
  if (const Leader* leading = lead(); leading && leading->has_renewed_lease && !has_lease()) {
    step_down("its own lease lapsed (no quorum, or the daemon did not run, for a whole lease)");
  }
  if (held.empty() || has_lease()) return;
  release_all("lease lapsed");
}

void NodeMachine::State::check_leader() {
  const Follower* follower = leadership.following();
  if (follower == nullptr || !follower->leader) return;
  if (now - follower->leader_heard < dead_timeout()) return;
  log(Log::Level::kWarning, "leader " + std::to_string(follower->leader->value()) + " lost");
  leadership.lose_leader();
}

void NodeMachine::State::seek_leadership() {
  if (leader() || !may_lead()) return;
  if (config.has_cluster_lock) {
    seek_lock();
    return;
  }
  if (const Candidate* candidate = leadership.standing(); candidate && now >= candidate->deadline) {
    leadership.give_up(now + heartbeat_interval() + random.below(4 * heartbeat_interval()));
  }
  Follower* follower = leadership.following();
  if (follower == nullptr) return;  // standing: the votes or the deadline decide
  if (follower->election_at == kNever) {
    // Wait for a leader first; the lowest-numbered live node stands first.
    std::size_t rank = 0;
    for (NodeId node : membership.nodes()) {
      if (node < config.self && membership.is_alive(node, now)) ++rank;
    }
    // Losing the leader already took DeadTimeout to notice: stand at once, by rank.
    follower->election_at =
        now + static_cast<Duration::rep>(rank) * heartbeat_interval() + random.below(heartbeat_interval());
  }
  if (now < follower->election_at || now < leadership.no_votes_before()) return;
  const std::uint64_t candidate_epoch =
      std::max({epoch(), leadership.voted_epoch(), membership.highest_epoch_heard()}) + 1;
  leadership.stand(candidate_epoch, now + dead_timeout());
  for (NodeId peer : membership.nodes()) {
    if (peer != config.self) out.push_back(SendMessage{peer, proto::VoteRequest{candidate_epoch, config.self}});
  }
}

void NodeMachine::State::seek_lock() {
  if (lock.may_try(now) && membership.has_quorum(now, true)) {
    lock.start_try();
    out.push_back(TryLock{});
  }
}

void NodeMachine::State::on_vote_request(NodeId from, const proto::VoteRequest& request) {
  if (!started || request.candidate != from || !leadership.may_vote(request.epoch, now)) return;
  // A node that follows a live leader does not help unseat it.
  if (lead()) return;
  if (const Follower* follower = leadership.following();
      follower && follower->leader && now - follower->leader_heard < dead_timeout()) {
    return;
  }
  leadership.record_vote(request.epoch);
  send(from, proto::Vote{request.epoch, from});
}

void NodeMachine::State::on_vote(NodeId from, const proto::Vote& vote) {
  const Candidate* candidate = leadership.standing();
  if (candidate == nullptr || vote.candidate != config.self || vote.epoch != candidate->epoch) return;
  if (2 * leadership.count_vote(from) > membership.configured()) become_leader(vote.epoch);
}

void NodeMachine::State::become_leader(std::uint64_t new_epoch) {
  leadership.become_leader(new_epoch, now).pinned = pins_heard;  // the pins of the leader before
  log(Log::Level::kInfo, "became leader in epoch " + std::to_string(epoch()));
  next_heartbeat = now;  // tell everyone at once
  send_report();
}

void NodeMachine::State::step_down(const std::string& why) {
  log(Log::Level::kWarning, "stepping down as leader: " + why);
  pins_heard = lead()->pinned;  // kept, should this node lead again before it hears the next leader
  leadership.step_down();
  if (lock.give_up()) out.push_back(ReleaseLock{});
  lock.retry_after(now + dead_timeout());
}

// First in the batch, so the node layer writes it before it sends a vote, a candidacy or
// a leader's heartbeat of the new epoch, or anything else this call decided.
void NodeMachine::State::persist_durable() {
  const DurableState now_durable = leadership.durable();
  if (!started || now_durable == durable_told) return;
  durable_told = now_durable;
  out.insert(out.begin(), PersistState{now_durable});
}

void NodeMachine::State::run_monitor() {
  if (shutting_down()) return;
  switch (health.due(now)) {
    case Health::Due::kNothing:
      return;
    case Health::Due::kStartup:
      health.startup_started(run_hook(HookEvent::kStartup, {}));
      return;
    case Health::Due::kMonitor:
      health.monitor_started(run_hook(HookEvent::kMonitor, {}), now, monitor_interval());
      return;
  }
}

proto::StateReport NodeMachine::State::report() const {
  proto::StateReport report;
  report.epoch = epoch();
  report.flags = own_flags();
  report.links = links;
  report.link_reasons = link_reasons();
  report.held = reported_held();
  report.monitor_healthy = health.monitor_passes();
  report.addresses = *addresses;
  report.applied_epoch = executor.applied_epoch();
  report.applied_run_id = executor.applied_run_id();
  report.shutting_down = shutting_down();
  return report;
}

void NodeMachine::State::send_report() {
  next_report = now + 5 * heartbeat_interval();
  if (!started || !leader()) return;
  if (shutting_down()) stop.reported(now);
  send(*leader(), report());
}

// =====================================================================================
// This node's addresses

// What reports say this node holds: held, and what a stopping node removed whose releaseip
// hook still runs (see PlannedStop::releasing()).
std::vector<HeldAddress> NodeMachine::State::reported_held() const {
  std::vector<HeldAddress> all = held;
  for (const auto& [hook, releasing] : stop.releasing()) {
    const HeldAddress& entry = releasing;  // a lambda may not capture a structured binding before clang 16
    const bool is_listed = std::any_of(all.begin(), all.end(),
                                       [&](const HeldAddress& h) { return h.prefix.address == entry.prefix.address; });
    if (!is_listed) all.push_back(entry);
  }
  return all;
}

void NodeMachine::State::remove_held(const IpPrefix& prefix) {
  std::erase_if(held, [&](const HeldAddress& entry) { return entry.prefix.address == prefix.address; });
  announcements.cancel(prefix.address);
}

// The first announcement now, and AnnounceCount - 1 repeats when due; they replace any still
// due from the address's previous interface. An address a release under way is to remove
// (a link came back while its releasegroup hooks run) moves, but is not announced: its
// clients are about to be told of its next holder, and a client ignores that news for
// its locktime after an update. An address a take under way brought is not announced either
// (a link change moved it while its takeip or takegroup hooks run): the take announces it
// where it is once they are done. A stopping node only moves what it holds (updates): it
// announces the move once, and repeats nothing it is about to release.
void NodeMachine::State::announce(const IpAddress& address, const InterfaceName& interface) {
  if (executor.is_releasing(address)) {
    announcements.cancel(address);
    return;
  }
  if (executor.is_taking(address)) return;  // announced when its take hooks are done
  const std::uint32_t count = shutting_down() ? 1 : std::max<std::uint32_t>(config.tunables.announce_count, 1);
  out.push_back(announcements.start(address, interface, now, count, ms(config.tunables.announce_interval_ms)));
}

void NodeMachine::State::send_due_announcements() {
  for (auto& announcement : announcements.take_due(now)) out.push_back(std::move(announcement));
}

void NodeMachine::State::release_all(const std::string& why) {
  if (held.empty()) return;
  log(Log::Level::kWarning, "releasing every public address: " + why);
  announcements.cancel_all();
  executor.abandon_arrivals();  // no takegroup for what is gone, and nothing announced
  for (const auto& entry : held) {
    out.push_back(RemoveAddress{entry.prefix, entry.interface});
    const std::uint64_t hook = run_hook(HookEvent::kReleaseIp, ip_hook_arguments(entry.interface, entry.prefix));
    if (shutting_down()) stop.releasing(hook, entry);  // see reported_held()
  }
  held.clear();
  send_report();
}

// Recomputes the interfaces of what this node holds with the leader's own function: a
// one-node cluster of this node, where no group may be taken, only kept.
void NodeMachine::State::relocate_locally() {
  if (held.empty() || shutting_down()) return;  // a stopping node moves nothing but out
  const Assignment result = local_choice({});
  for (auto& entry : held) {
    const auto placement = result.placement_of(entry.prefix.address);
    if (!placement || placement->interface == entry.interface) continue;  // no up interface: keep it for the leader
    log(Log::Level::kInfo,
        "moved " + text_of(entry.prefix) + " from " + entry.interface.value() + " to " + placement->interface.value());
    move_held(entry, placement->interface);
  }
}

// Where this node's own links put what it holds plus `taking` (at the interfaces the
// leader named): allocate() on a one-node cluster of this node, with NoIPTakeover=1, so
// nothing is taken or dropped, only placed on interfaces.
Assignment NodeMachine::State::local_choice(const std::vector<TakeoverItem>& taking) const {
  ClusterView view;
  view.nodes.push_back(NodeView{config.self, NodeFlags(), links, addresses});
  view.groups = config.groups;
  Tunables tunables = config.tunables;
  tunables.no_ip_takeover = 1;
  std::vector<IpAssignment> current;
  for (const auto& entry : held) current.push_back({entry.prefix.address, Placement{config.self, entry.interface}, ""});
  for (const auto& item : taking) {
    const bool is_held = std::any_of(held.begin(), held.end(),
                                     [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    if (!is_held) current.push_back({item.prefix.address, Placement{config.self, item.interface}, ""});
  }
  return alloc::allocate(view, tunables, Assignment(std::move(current)));
}

// Moves a held address to another interface of this node, make-before-break: it is added
// and announced on `to` before it leaves the interface it was on, so a client never finds
// it missing (Linux lets one address sit on two interfaces of a host for that moment; with
// arp_ignore=1 each answers ARP only for its own addresses). Returns the updateip hook.
std::uint64_t NodeMachine::State::move_held(HeldAddress& entry, const InterfaceName& to) {
  out.push_back(AddAddress{entry.prefix, to});
  announce(entry.prefix.address, to);  // replaces any sends still due from the old interface
  out.push_back(RemoveAddress{entry.prefix, entry.interface});
  const std::uint64_t hook = run_hook(HookEvent::kUpdateIp, update_hook_arguments(entry.interface, to, entry.prefix));
  entry.interface = to;
  return hook;
}

// =====================================================================================
// Admin commands

void NodeMachine::State::on_admin(NodeId from, const proto::AdminRequest& request) {
  const auto& command = request.command;
  const std::optional<NodeId> named = proto::named_node(command);
  const auto& nodes = membership.nodes();
  if (named && std::find(nodes.begin(), nodes.end(), *named) == nodes.end()) {
    reply_admin(from, request.request_id, false, "no node " + std::to_string(named->value()) + " in this cluster");
    return;
  }
  // The leader's ban of a node ends with the administrator's unban, and its credits with it:
  // else the leader would order the ban again. The leader hears of it on the way to the
  // node, or from the node (a notice without a request id, answered by nobody).
  if (const auto* unban = std::get_if<proto::Unban>(&command)) {
    if (Leader* leading = lead()) leading->bans.lift(unban->node);
    if (request.request_id == 0 && from != config.self && unban->node != config.self) return;
  }
  // Node commands go to the node they name; cluster commands to the leader.
  const bool is_node_command = proto::acts_on_node(command);
  const std::optional<NodeId> target = is_node_command ? named : leader();
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
  if (auto refusal = carry_out(command)) {
    reply_admin(from, request.request_id, false, std::move(*refusal));
    return;
  }
  send_report();
  reply_admin(from, request.request_id, true, "done");
}

std::optional<std::string> NodeMachine::State::carry_out(const proto::AdminCommand& command) {
  using Refusal = std::optional<std::string>;
  return std::visit(Overloaded{
                        [&](const proto::Disable&) -> Refusal {
                          admin_disabled = true;
                          return std::nullopt;
                        },
                        [&](const proto::Enable&) -> Refusal {
                          admin_disabled = false;
                          return std::nullopt;
                        },
                        [&](const proto::Stop&) -> Refusal {
                          admin_stopped = true;
                          release_all("stopped by the administrator");
                          return std::nullopt;
                        },
                        [&](const proto::Continue&) -> Refusal {
                          admin_stopped = false;
                          return std::nullopt;
                        },
                        [&](const proto::Ban& ban) -> Refusal {
                          banned_until = now + std::chrono::seconds(ban.seconds);
                          if (lead()) step_down("banned");
                          release_all("banned");
                          return std::nullopt;
                        },
                        [&](const proto::Unban& unban) -> Refusal {
                          banned_until.reset();
                          if (const auto the_leader = leader(); the_leader && *the_leader != config.self) {
                            send(*the_leader, proto::AdminRequest{0, unban});  // the leader lifts its ban too
                          }
                          return std::nullopt;
                        },
                        [&](const proto::SetInterfaceLink& set) -> Refusal {
                          if (!carrier.contains(set.interface)) return "no such interface on this node";
                          on_link(LinkChanged{set.interface, set.link});
                          return std::nullopt;
                        },
                        [](const proto::ClusterCommand auto&) -> Refusal {
                          TANDEM_CHECK(false);  // on_admin sends it to the leader (proto::acts_on_node)
                          return std::nullopt;
                        },
                    },
                    command);
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
// Status questions from the control socket

// The leader answers at once; a follower asks its leader; a node without a leader answers
// with what it knows itself (from_leader = false).
void NodeMachine::State::on_status_query(const StatusQuery& query) {
  if (const Leader* leading = lead()) {
    out.push_back(ReplyStatus{query.request_id, leader_status(*leading, query.request_id)});
    return;
  }
  if (!leader()) {
    answer_status_locally(query.request_id);
    return;
  }
  if (auto oldest = status_questions.ask(query.request_id, *leader(), now)) {
    log(Log::Level::kWarning, "too many status questions wait for the leader: answering the oldest locally");
    answer_status_locally(*oldest);
  }
  send(*leader(), proto::StatusRequest{query.request_id});
}

// A peer takes us for its leader. If we no longer lead, it still gets an answer: ours.
void NodeMachine::State::on_status_request(NodeId from, const proto::StatusRequest& request) {
  send(from, lead() ? leader_status(*lead(), request.request_id) : local_status(request.request_id));
}

void NodeMachine::State::on_status_reply(NodeId from, const proto::StatusReply& reply) {
  if (!status_questions.answer(reply.request_id, from)) return;  // not ours, late, or a duplicate
  out.push_back(ReplyStatus{reply.request_id, reply});
}

void NodeMachine::State::answer_status_locally(std::uint64_t request_id) {
  out.push_back(ReplyStatus{request_id, local_status(request_id)});
}

// A leader that does not answer within two takeover timeouts (it is lost, or speaks 1.1)
// leaves the question to this node, well before the control socket's own 10 s limit.
void NodeMachine::State::expire_status_questions() {
  for (std::uint64_t id : status_questions.expire(now, 2 * takeover_timeout())) answer_status_locally(id);
}

// This node in full, and every other configured node as membership knows it.
proto::StatusReply NodeMachine::State::local_status(std::uint64_t request_id) const {
  proto::StatusReply reply{request_id, epoch(), config.self, false, {}};
  for (NodeId node : membership.nodes())
    reply.nodes.push_back(node == config.self ? own_status() : member_status(node));
  return reply;
}

proto::NodeStatus NodeMachine::State::own_status() const {
  proto::NodeStatus status;
  status.node = config.self;
  status.connected = true;
  status.flags = own_flags();
  status.monitor_healthy = health.monitor_passes();
  status.has_report = true;
  status.links = links;
  status.link_reasons = link_reasons();
  status.held = reported_held();
  status.addresses = *addresses;
  return status;
}

// What membership alone says of a peer: contact both ways, and the flags of its latest
// heartbeat. Links, held and addresses are unknown (has_report = false).
proto::NodeStatus NodeMachine::State::member_status(NodeId node) const {
  proto::NodeStatus status;
  status.node = node;
  status.connected = membership.is_alive(node, now);
  if (const PeerState* peer = membership.peer(node)) status.flags = peer->flags;
  if (!status.connected) status.flags = status.flags.with(NodeFlags::kDisconnected);
  return status;
}

// =====================================================================================
// Configuration reload

// Public addresses, IP groups and tunables take effect now; a held address this node may
// no longer host stays until the leader's next run releases it (the fresh report tells
// the leader). The node list and self need a restart, as CTDB's nodes file needs
// `ctdb reloadnodes`: the mesh and membership are built from them.
void NodeMachine::State::on_reconfigure(const Reconfigure& change) {
  const NodeConfig& next = change.config;
  std::vector<NodeId> next_nodes = next.nodes;
  std::sort(next_nodes.begin(), next_nodes.end());
  if (next.self != config.self || next_nodes != membership.nodes()) {
    log(Log::Level::kWarning,
        "reload: the list of nodes changed; a change of nodes needs a restart, "
        "the running list stays in force");
  }
  const Tunables& was = config.tunables;
  const Tunables& will = next.tunables;
  if (was.heartbeat_interval_ms != will.heartbeat_interval_ms || was.dead_timeout_ms != will.dead_timeout_ms ||
      was.lease_timeout_ms != will.lease_timeout_ms || was.lease_margin_ms != will.lease_margin_ms) {
    log(Log::Level::kWarning,
        "reload: timing tunables changed; every node must use the same values "
        "(change LeaseTimeoutMs on the leader first when lengthening it)");
  }
  config.groups = next.groups;
  config.tunables = next.tunables;
  config.probe_targets = next.probe_targets;
  if (started) {
    reachability.configure(config.probe_targets, now);
    (void)update_links();  // an interface no longer probed is judged by its carrier again
  }
  addresses = std::make_shared<AddressList>(next.public_addresses);
  membership.set_dead_timeout(dead_timeout());
  log(Log::Level::kInfo, "reload: " + std::to_string(addresses->size()) + " public addresses, " +
                             std::to_string(config.groups.size()) + " IP groups in force");
  if (!started) return;
  relocate_locally();  // an address's interfaces may have changed
  send_report();
  if (Leader* leading = lead()) leading->runs.want_run_now(now);  // as reloadips: a run at once
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
  const State::CallStart start = s.call_start();
  // Exhaustive: an event added to Event that is not handled here fails to compile.
  std::visit(Overloaded{
                 [&](const Start& e) { s.on_start(e); },
                 [&](const Tick&) {},  // step() below does the periodic work
                 [&](const PeerMessage& e) { s.on_message(e.from, e.message); },
                 [&](const LinkChanged& e) { s.on_link(e); },
                 [&](const LockChanged& e) { s.on_lock(e); },
                 [&](const HookFinished& e) { s.on_hook(e); },
                 [&](const AddressFailed& e) { s.on_address_failed(e); },
                 [&](const AdminCommandReceived& e) {
                   s.on_admin(s.config.self, proto::AdminRequest{e.request_id, e.command});
                 },
                 [&](const StatusQuery& e) { s.on_status_query(e); },
                 [&](const Reconfigure& e) { s.on_reconfigure(e); },
                 [&](const Shutdown&) { s.on_shutdown(); },
                 [&](const AddressesSeen& e) { s.on_addresses_seen(e); },
                 [&](const ProbeAnswered& e) { s.on_probe_answered(e); },
                 [&](const ConnectionsListed& e) { s.on_connections_listed(e); },
                 [&](const TickleEdit& e) { s.on_tickle_edit(e); },
             },
             event);
  s.drain_self_inbox();
  if (s.started) s.step();
  s.drain_self_inbox();
  if (s.started) s.limit_serving();  // after a reload of the public addresses
  s.persist_durable();
  s.drop_unheld_tickles();  // after a release the leader ordered itself
  s.check_invariants(start);
  return std::move(s.out);
}

TimePoint NodeMachine::next_wakeup() const { return state_->wakeup(); }
NodeId NodeMachine::self() const { return state_->config.self; }
const TickleLists& NodeMachine::tickle_lists() const { return state_->tickle_lists; }
std::uint64_t NodeMachine::epoch() const { return state_->epoch(); }
std::optional<NodeId> NodeMachine::leader() const { return state_->leader(); }
bool NodeMachine::is_leader() const { return state_->leadership.is_leader(); }
bool NodeMachine::has_lease(TimePoint now) const { return state_->lease.is_valid(now); }
const std::vector<proto::HeldAddress>& NodeMachine::held() const { return state_->held; }
NodeFlags NodeMachine::flags() const { return state_->own_flags(); }
bool NodeMachine::is_shutting_down() const { return state_->shutting_down(); }
AddressRepairs NodeMachine::repairs() const { return state_->repairs; }

}  // namespace tandem::cluster
