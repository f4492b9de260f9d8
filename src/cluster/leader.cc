// The leader's work: reports, takeover runs (release, then take), ban credits, and the
// cluster-wide admin commands.
#include "base/overloaded.h"
#include "cluster/node_machine_state.h"

namespace tandem::cluster {

// =====================================================================================
// The leader

void NodeMachine::State::lead_step(Leader& lead) {
  if (!membership.has_quorum(now, lock.is_held())) {
    step_down("lost contact with a majority of the nodes");
    return;
  }
  if (config.has_cluster_lock && !lock.is_held()) {
    step_down("does not hold the cluster lock");
    return;
  }
  lead.bans.expire(now);
  forget_earlier_lives(lead);
  // A node lost, found, or thawed (its lease now surely lapsed) changes what to run.
  std::set<NodeId> alive, frozen;
  for (NodeId node : membership.nodes()) {
    if (membership.is_alive(node, now)) alive.insert(node);
    if (is_frozen(lead, node)) frozen.insert(node);
  }
  // A node lost for longer than its lease has dropped everything: takes it never confirmed
  // are void (the transport delivers nothing that old; see docs/design/cluster.md).
  for (NodeId node : membership.nodes()) {
    if (!alive.contains(node) && !frozen.contains(node)) lead.unconfirmed_takes.erase(node);
  }
  if (alive != lead.alive || frozen != lead.frozen) {
    lead.alive = std::move(alive);
    lead.frozen = std::move(frozen);
    lead.runs.want_run();
  }
  if (TakeoverRun* run = lead.runs.run()) {
    if (now >= run->deadline) {
      // A node still heard may be running its hooks: it has not failed until the phase's
      // wait limit. A node lost has, at TakeoverTimeoutMs already.
      std::set<NodeId> late;
      for (NodeId node : run->waiting) {
        if (now >= run->wait_limit || !membership.is_alive(node, now)) late.insert(node);
      }
      if (late.empty()) {
        run->deadline = std::min(run->wait_limit, now + heartbeat_interval());
        if (now >= run->resend_at) send_phase_orders(lead, true);
        return;
      }
      run->retry_soon = false;
      for (NodeId node : late) give_ban_credit(lead, node, "did not answer a takeover order in time");
      end_run(lead, false);
    } else if (now >= run->resend_at) {
      send_phase_orders(lead, true);
    }
    return;
  }
  if (ready_to_run(lead)) start_run(lead);
}

void NodeMachine::State::on_report(NodeId from, const proto::StateReport& report) {
  Leader* leading = lead();
  if (leading == nullptr || report.epoch != epoch()) return;
  Leader& lead = *leading;
  const PeerState* peer = membership.peer(from);
  const std::uint64_t incarnation = peer != nullptr ? peer->incarnation : 0;
  auto it = lead.reports.find(from);
  if (it != lead.reports.end() && lead.report_incarnation[from] != incarnation) {
    // It restarted: its run numbers start again, and a daemon that starts removes every
    // address it was not given, so takes its earlier life did not confirm are gone too.
    lead.reports.erase(it);
    lead.unconfirmed_takes.erase(from);
    it = lead.reports.end();
  }
  lead.report_incarnation[from] = incarnation;
  // Reports can overtake each other: one that has seen fewer orders is older, and so is
  // one sent before a planned stop that was already reported (a life never leaves it).
  if (it != lead.reports.end() && std::tie(report.applied_epoch, report.applied_run_id) <
                                      std::tie(it->second.applied_epoch, it->second.applied_run_id)) {
    return;
  }
  if (it != lead.reports.end() && it->second.shutting_down && !report.shutting_down) return;
  // A ban order can be lost: say it again until the node reports itself banned.
  if (auto ban = lead.bans.banned_until(from); ban && !report.flags.has(NodeFlags::kBanned)) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(*ban - now).count();
    const proto::Ban command{from, static_cast<std::uint32_t>(std::max<std::int64_t>(seconds, 1))};
    send(from, proto::AdminRequest{0, command});
  }
  const bool changed = it == lead.reports.end() || !(it->second == report);
  lead.reports[from] = report;
  auto pending = lead.unconfirmed_takes.find(from);
  if (pending != lead.unconfirmed_takes.end() && report.applied_epoch == epoch() &&
      report.applied_run_id >= pending->second.first) {
    lead.unconfirmed_takes.erase(pending);
  }
  if (changed) lead.runs.want_run();
  if (report.shutting_down) on_stop_report(lead, from, report);
}

// A node heard in a new life (it restarted) holds nothing its earlier life reported: a
// daemon that starts removes every managed address before it sends anything. Its report
// of that life goes at once, not when the new life's first report arrives, which may come
// only with the next periodic report (the first can be lost with the old connection):
// planned with, the old report would keep its groups "held" there, and a run would
// release them elsewhere and take them nowhere. Until the new report, the node is alive
// or frozen and no run starts (ready_to_run()).
void NodeMachine::State::forget_earlier_lives(Leader& lead) {
  for (auto it = lead.reports.begin(); it != lead.reports.end();) {
    const NodeId node = it->first;
    const PeerState* peer = node == config.self ? nullptr : membership.peer(node);
    std::uint64_t& reported = lead.report_incarnation[node];
    // A report that came before any heartbeat of its sender (the first heartbeats of a
    // starting node are dropped until the mesh connects) is of the life heard first.
    if (peer != nullptr && reported == 0) reported = peer->incarnation;
    if (peer == nullptr || peer->incarnation == reported) {
      ++it;
      continue;
    }
    log(Log::Level::kInfo, "node " + std::to_string(node.value()) + " restarted: its earlier report is void");
    lead.unconfirmed_takes.erase(node);
    it = lead.reports.erase(it);
    lead.runs.want_run();
  }
}

bool NodeMachine::State::ready_to_run(const Leader& lead) const {
  if (!lead.runs.is_due(now)) return false;
  // Every node that may hold addresses must have told us, in this epoch, what it holds: a
  // node we reach, and a lost one whose lease we have not waited out yet.
  for (NodeId node : membership.nodes()) {
    if (node == config.self || lead.reports.contains(node)) continue;
    if (membership.is_alive(node, now) || is_frozen(lead, node)) return false;
  }
  return true;
}

bool NodeMachine::State::is_frozen(const Leader& lead, NodeId node) const {
  if (node == config.self || membership.is_alive(node, now)) return false;
  // A new leader cannot know which leases its predecessor renewed last: it waits a whole
  // span from its win (two without a lock, docs/design/cluster.md); a node this leader lost
  // itself needs one span from when it was last heard.
  const Duration span = lease_timeout() + lease_margin();
  TimePoint safe = lead.since + (config.has_cluster_lock ? 1 : 2) * span;
  if (const PeerState* peer = membership.peer(node); peer && peer->last_heard) {
    safe = std::max(safe, *peer->last_heard + span);
  }
  return now < safe;
}

ClusterView NodeMachine::State::leader_view(const Leader& lead) const {
  ClusterView view;
  view.groups = config.groups;
  for (NodeId node : membership.nodes()) {
    NodeView entry{node, NodeFlags(), {}, std::make_shared<AddressList>()};
    if (node == config.self) {
      entry.flags = own_flags();
      entry.links = links;
      entry.addresses = addresses;
    } else if (auto it = lead.reports.find(node); it != lead.reports.end()) {
      entry.flags = it->second.flags;
      entry.links = it->second.links;
      entry.addresses = std::make_shared<AddressList>(it->second.addresses);
    }
    if (node != config.self && !membership.is_alive(node, now))
      entry.flags = entry.flags.with(NodeFlags::kDisconnected);
    if (lead.bans.is_banned(node)) entry.flags = entry.flags.with(NodeFlags::kBanned);
    view.nodes.push_back(std::move(entry));
  }
  return view;
}

// Whether `node` may hold addresses now: it is alive, or lost so recently that its lease
// may still run (frozen). A node lost for longer holds nothing.
bool NodeMachine::State::may_hold(const Leader& lead, NodeId node) const {
  return node == config.self || membership.is_alive(node, now) || is_frozen(lead, node);
}

// What every node holds by its reports, and (in maybe_held) the takes it has not
// confirmed yet; `frozen` collects the frozen nodes.
void NodeMachine::State::gather_holdings(const Leader& lead, PlanInput& input) const {
  // The configured prefix; for an address no node lists any more (a reload removed it),
  // the prefix its holder has, so the release names what the holder configured.
  auto with_prefix = [&](const IpPrefix& prefix, const InterfaceName& interface) {
    auto it = input.prefixes.find(prefix.address);
    return HeldAddress{it != input.prefixes.end() ? it->second : prefix, interface};
  };
  for (const auto& entry : reported_held())
    input.held[config.self].push_back(with_prefix(entry.prefix, entry.interface));
  for (const auto& [node, report] : lead.reports) {
    if (node == config.self || !may_hold(lead, node)) continue;
    for (const auto& entry : report.held) input.held[node].push_back(with_prefix(entry.prefix, entry.interface));
  }
  for (const auto& [node, takes] : lead.unconfirmed_takes) {
    if (!may_hold(lead, node)) continue;
    for (const auto& item : takes.second) input.maybe_held[node].push_back(with_prefix(item.prefix, item.interface));
  }
  for (NodeId node : membership.nodes()) {
    if (is_frozen(lead, node)) input.frozen.insert(node);
  }
}

// Where the allocation should think every IP is: what nodes hold, erring towards holding
// more (a take not yet confirmed counts), for stickiness.
static Assignment current_of(const PlanInput& input) {
  std::map<IpAddress, IpAssignment> current;
  for (const auto* holdings : {&input.held, &input.maybe_held}) {
    for (const auto& [node, entries] : *holdings) {
      for (const auto& entry : entries) {
        current.try_emplace(entry.prefix.address,
                            IpAssignment{entry.prefix.address, Placement{node, entry.interface}, ""});
      }
    }
  }
  std::vector<IpAssignment> entries;
  entries.reserve(current.size());
  for (auto& [address, entry] : current) entries.push_back(std::move(entry));
  return Assignment(std::move(entries));
}

void NodeMachine::State::start_run(Leader& lead) {
  lead.runs.take_want();
  ClusterView view = leader_view(lead);
  if (auto valid = alloc::validate(view); !valid) {
    log(Log::Level::kError, "takeover run skipped: " + valid.error().message());
    lead.runs.postpone(now + takeover_timeout(), false);
    return;
  }
  PlanInput input;
  for (const auto& node : view.nodes) {
    for (const auto& address : *node.addresses) input.prefixes.emplace(address.address(), address.prefix);
  }
  gather_holdings(lead, input);
  for (const auto& pin : lead.pinned) view.pins.push_back(pin);
  const Assignment planned = alloc::allocate(view, config.tunables, current_of(input));
  std::erase_if(lead.pinned, [&](const auto& pin) {
    const auto placement = planned.placement_of(pin.first);
    return !placement || placement->node != pin.second;
  });
  input.planned = planned;
  input.groups = config.groups;
  TakeoverPlan plan = plan_takeover(input);
  if (plan.skipped_groups > 0) lead.runs.want_run();  // again once the frozen nodes thaw
  if (plan.empty()) {
    if (shutting_down()) lead.owes_stop_run = false;  // nothing of ours to move
    lead.runs.postpone(now + heartbeat_interval(), lead.runs.is_wanted());
    for (const auto& [origin, id] : lead.runs.take_replies()) reply_admin(origin, id, true, "nothing to move");
    return;
  }
  const TakeoverRun& run = lead.runs.start(std::move(plan), shutting_down());
  log_run(Log::Level::kInfo, "takeover run " + std::to_string(run.id) + " starts",
          RunMilestone{RunMilestone::Kind::kStarts, run.id});
  advance_run(lead);
}

// Sends the orders of the run's current phase and waits for their acknowledgements.
void NodeMachine::State::advance_run(Leader& lead) {
  TakeoverRun& run = *lead.runs.run();
  run.waiting.clear();
  run.deadline = now + takeover_timeout();
  run.wait_limit = now + takeover_wait_limit(run.phase);
  send_phase_orders(lead, false);
  if (!run.waiting.empty()) return;
  if (run.phase == TakeoverRun::Phase::kRelease) {
    run.phase = TakeoverRun::Phase::kTake;
    advance_run(lead);
    return;
  }
  end_run(lead, true);
}

// All of the phase's orders, or again those not yet answered: a lost order or ack costs a
// resend, not a ban credit (carrying out an order twice changes nothing).
void NodeMachine::State::send_phase_orders(Leader& lead, bool only_waiting) {
  TakeoverRun& run = *lead.runs.run();
  run.resend_at = now + takeover_timeout() / 4;
  for (const auto& [node, node_orders] : run.plan.orders) {
    if (only_waiting && !run.waiting.contains(node)) continue;
    if (run.phase == TakeoverRun::Phase::kRelease) {
      if (node_orders.releases.empty()) continue;
      run.waiting.insert(node);
      send(node, proto::TakeoverOrder{epoch(), run.id, TakeoverKind::kRelease, node_orders.releases});
      continue;
    }
    if (!node_orders.takes.empty()) {
      run.waiting.insert(node);
      lead.unconfirmed_takes[node] = {run.id, node_orders.takes};
      send(node, proto::TakeoverOrder{epoch(), run.id, TakeoverKind::kTake, node_orders.takes});
    }
    if (!node_orders.updates.empty() && !only_waiting) {
      send(node, proto::TakeoverOrder{epoch(), run.id, TakeoverKind::kUpdate, node_orders.updates});
    }
  }
}

void NodeMachine::State::on_ack(NodeId from, const proto::TakeoverAck& ack) {
  Leader* leading = lead();
  if (leading == nullptr || !leading->runs.run() || ack.epoch != epoch() || ack.run_id != leading->runs.run()->id)
    return;
  Leader& lead = *leading;
  TakeoverRun& run = *lead.runs.run();
  const bool is_current_phase = (run.phase == TakeoverRun::Phase::kRelease) == (ack.kind == TakeoverKind::kRelease);
  if (ack.kind == TakeoverKind::kUpdate || !is_current_phase || run.waiting.erase(from) == 0) return;
  if (ack.ok) lead.bans.clear_credits(from);  // credits count failures in a row
  if (!ack.ok) {
    run.failed = true;
    // A node without a lease, or in a planned stop, could not serve, which is no
    // misbehaviour: no ban credit.
    // Decided by the failures' causes, never their text.
    auto only = [&](auto is_cause) {
      return !ack.failures.empty() &&
             std::all_of(ack.failures.begin(), ack.failures.end(), [&](const auto& f) { return is_cause(f.cause); });
    };
    const bool is_stop = only([](proto::FailureCause cause) { return cause == proto::FailureCause::kShuttingDown; });
    const bool lacks_lease = is_stop || only(proto::is_no_misbehaviour);
    if (!lacks_lease)
      give_ban_credit(lead, from, ack.failures.empty() ? "a takeover step failed" : ack.failures.front().reason);
    if (!is_stop) run.retry_soon = false;
  }
  if (!run.waiting.empty()) return;
  if (run.failed) {
    end_run(lead, false);
    return;
  }
  if (run.phase == TakeoverRun::Phase::kRelease) {
    run.phase = TakeoverRun::Phase::kTake;
    advance_run(lead);
    return;
  }
  end_run(lead, true);
}

void NodeMachine::State::end_run(Leader& lead, bool ok) {
  const TakeoverRun& run = *lead.runs.run();
  if (ok && run.sees_shutdown) lead.owes_stop_run = false;  // our groups have moved
  log_run(ok ? Log::Level::kInfo : Log::Level::kWarning,
          "takeover run " + std::to_string(run.id) + (ok ? " done" : " failed; will run again"),
          RunMilestone{ok ? RunMilestone::Kind::kDone : RunMilestone::Kind::kFailed, run.id});
  if (ok) {
    for (NodeId node : membership.nodes()) {
      if (membership.is_alive(node, now))
        send(node, proto::TakeoverOrder{epoch(), run.id, TakeoverKind::kIpReallocated, {}});
    }
  }
  for (const auto& [origin, id] : lead.runs.take_replies()) {
    reply_admin(origin, id, ok, ok ? "done" : "the takeover run failed");
  }
  const bool soon = ok || run.retry_soon;
  lead.runs.end(now + (soon ? heartbeat_interval() : takeover_timeout() / 4));
}

void NodeMachine::State::give_ban_credit(Leader& lead, NodeId node, const std::string& why) {
  const std::uint32_t credits = lead.bans.add_credit(node);
  log(Log::Level::kWarning, "node " + std::to_string(node.value()) + ": " + why + " (ban credit " +
                                std::to_string(credits) + " of " + std::to_string(config.tunables.ban_credits_max) +
                                ")");
  if (credits < config.tunables.ban_credits_max || node == config.self) return;
  lead.bans.ban(node, now + std::chrono::seconds(config.tunables.ban_period_s));
  send(node, proto::AdminRequest{0, proto::Ban{node, config.tunables.ban_period_s}});
  log(Log::Level::kWarning,
      "banned node " + std::to_string(node.value()) + " for " + std::to_string(config.tunables.ban_period_s) + " s");
}

void NodeMachine::State::leader_admin(NodeId from, const proto::AdminRequest& request) {
  Leader* leading = lead();
  if (leading == nullptr) {
    reply_admin(from, request.request_id, false, "this node is not the leader");
    return;
  }
  Leader& lead = *leading;
  using Refusal = std::optional<std::string>;
  // A move pins the group's first address (or the lone address) to the destination.
  auto move = [&](std::variant<IpAddress, std::string> member, NodeId to) -> Refusal {
    if (auto* refusal = std::get_if<std::string>(&member)) return std::move(*refusal);
    const IpAddress& address = std::get<IpAddress>(member);
    if (auto refusal = refuse_move(lead, address, to)) return refusal;
    lead.pinned[address] = to;
    return std::nullopt;
  };
  const Refusal refusal = std::visit(Overloaded{
                                         [&](const proto::MoveIp& c) { return move(member_to_pin(c.address), c.to); },
                                         [&](const proto::MoveGroup& c) { return move(member_to_pin(c.group), c.to); },
                                         [](const proto::ReloadIps&) -> Refusal { return std::nullopt; },
                                         [](const proto::IpReallocate&) -> Refusal { return std::nullopt; },
                                         [](const proto::NodeCommand auto&) -> Refusal {
                                           TANDEM_CHECK(false);  // carried out where it acts (on_admin)
                                           return std::nullopt;
                                         },
                                     },
                                     request.command);
  if (refusal) {
    reply_admin(from, request.request_id, false, *refusal);
    return;
  }
  lead.runs.want_run_now(now);
  lead.runs.answer_after_run(from, request.request_id);
}

// The leader's answer: membership for contact, this epoch's reports for the rest. A node
// lost for longer than its lease holds nothing, whatever its last report said (as in
// gather_holdings()).
proto::StatusReply NodeMachine::State::leader_status(const Leader& lead, std::uint64_t request_id) const {
  proto::StatusReply reply{request_id, epoch(), config.self, true, {}};
  for (NodeId node : membership.nodes()) {
    if (node == config.self) {
      reply.nodes.push_back(own_status());
      continue;
    }
    proto::NodeStatus status = member_status(node);
    if (auto it = lead.reports.find(node); it != lead.reports.end()) {
      const proto::StateReport& report = it->second;
      status.flags = status.connected ? report.flags : report.flags.with(NodeFlags::kDisconnected);
      status.monitor_healthy = report.monitor_healthy;
      status.has_report = true;
      status.links = report.links;
      status.link_reasons = report.link_reasons;
      if (may_hold(lead, node)) status.held = report.held;
      status.addresses = report.addresses;
    }
    if (lead.bans.is_banned(node)) status.flags = status.flags.with(NodeFlags::kBanned);
    reply.nodes.push_back(std::move(status));
  }
  return reply;
}

std::variant<IpAddress, std::string> NodeMachine::State::member_to_pin(const IpAddress& address) const {
  for (const auto& group : config.groups) {
    const bool holds = std::any_of(group.members.begin(), group.members.end(),
                                   [&](const GroupMember& m) { return m.address == address; });
    if (holds) return group.members.front().address;
  }
  return address;
}

std::variant<IpAddress, std::string> NodeMachine::State::member_to_pin(const GroupName& name) const {
  for (const auto& group : config.groups) {
    if (group.name == name) return group.members.front().address;
  }
  return "no group named '" + name.value() + "'";
}

std::optional<std::string> NodeMachine::State::refuse_move(const Leader& lead, const IpAddress& member,
                                                           NodeId target) const {
  const ClusterView view = leader_view(lead);
  const NodeView* node = nullptr;
  for (const auto& candidate : view.nodes) {
    if (candidate.pnn == target) node = &candidate;
  }
  if (node == nullptr) return "no node " + std::to_string(target.value());
  if (node->flags.is_inactive() || node->flags.is_disabled())
    return "node " + std::to_string(target.value()) + " cannot host IPs now";
  const bool lists = std::any_of(node->addresses->begin(), node->addresses->end(),
                                 [&](const PublicAddress& a) { return a.address() == member; });
  if (!lists) return "node " + std::to_string(target.value()) + " cannot host " + member.to_string();
  return std::nullopt;
}

}  // namespace tandem::cluster
