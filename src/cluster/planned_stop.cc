// A planned stop (Event Shutdown, SIGTERM): the node takes nothing more, releases what it
// holds with its hooks as a release order would, tells its leader that it holds nothing
// and is STOPPED, steps down if it leads, and answers with ShutdownDone.
//
// Why the leader may give the node's groups away on its final report, without waiting out
// its lease (docs/design/cluster.md, "Planned stop"): the report is sent only once the
// stop's releaseip hooks are done, so after the batch that removed the addresses and after
// any refusal of the kernel (AddressFailed) came back; until then reports still list what
// is being released (shutdown_releasing). From the Shutdown on the node refuses every take,
// so its holdings only shrink: an older report of the stop holds more (conservative). A
// report from before the stop is refused once one of the stop was applied (leader.cc),
// and one of an older applied run always was. A lost final report leaves the leader with
// an older one: it then waits out the lease, as for a crash.
#include "cluster/node_machine_state.h"

namespace tandem::cluster {

namespace {

std::optional<GroupName> group_of(const std::vector<IpGroup>& groups, const IpAddress& address) {
  for (const auto& group : groups) {
    for (const auto& member : group.members) {
      if (member.address == address) return group.name;
    }
  }
  return std::nullopt;
}

}  // namespace

void NodeMachine::State::on_shutdown() {
  if (shutting_down) return;
  shutting_down = true;
  if (!started) {  // nothing held, nobody to tell
    shutdown_done = true;
    out.push_back(ShutdownDone{});
    return;
  }
  shutdown_deadline = now + ms(config.tunables.event_script_timeout_ms);
  log(Log::Level::kInfo, "shutting down: taking nothing more, releasing " + std::to_string(held.size()) +
                             " public address" + (held.size() == 1 ? "" : "es"));
  // A group still being taken is released right after: its takegroup hook does not run.
  for (auto& order : orders) order.groups_to_announce.clear();
  send_report();  // STOPPED: the leader places our groups elsewhere from now on
  if (lead) {     // ... and a leader does so itself, at once, before it steps down
    shutdown_run_pending = true;
    lead->run_wanted = true;
    lead->next_run_at = now;
  }
}

// The stop's own release waits for the orders under way (their hooks), so that its
// releasegroup hooks never run beside a takeip of the same group.
void NodeMachine::State::advance_shutdown() {
  if (!shutting_down || shutdown_done) return;
  if (now >= shutdown_deadline) {
    cut_shutdown_short();
    return;
  }
  if (!shutdown_release_started && orders.empty()) start_shutdown_release();
}

void NodeMachine::State::start_shutdown_release() {
  shutdown_release_started = true;
  std::vector<TakeoverItem> items;
  for (const auto& entry : held) {
    items.push_back({entry.prefix, entry.interface, group_of(config.groups, entry.prefix.address)});
  }
  OrderInProgress release{config.self, epoch, 0, TakeoverKind::kRelease, {}, {}, {}, {}, true};
  carry_out_release(release, items);
  orders.push_back(std::move(release));
  finish_orders();
}

// Every address of the stop is gone and its releaseip hooks are done: the final report.
void NodeMachine::State::on_shutdown_released(std::size_t failures) {
  shutdown_released = true;
  if (failures > 0) log(Log::Level::kWarning, "shutdown: " + std::to_string(failures) + " release steps failed");
  if (!held.empty()) {
    log(Log::Level::kError, "shutdown: the kernel kept " + std::to_string(held.size()) +
                                " public addresses; the leader waits out our lease for them");
  }
  send_report();
}

// After the release: a leader waits for a run started after its Shutdown to end well (it
// plans the leader's groups away: a run under way at the Shutdown does not), then steps
// down; it gives up when no run can start (a node has not reported). Then the node waits
// (at most 3 x DeadTimeout) until a leader has its latest report: without it, that leader
// would wait out our lease before it places our groups.
void NodeMachine::State::finish_shutdown() {
  if (!shutting_down || shutdown_done || !shutdown_released) return;
  if (lead) {
    if (lead->run) return;  // ends by its acks or TakeoverTimeout
    if (shutdown_run_pending && now < lead->next_run_at) return;  // the next try is due
    if (shutdown_run_pending) {
      log(Log::Level::kWarning, "shutdown: no takeover run can start now; the next leader places our groups");
    }
    shutdown_run_pending = false;
    step_down("shutting down");
    send_heartbeats();  // "no leader" at once: the followers elect without waiting DeadTimeout
    linger_until = now + 3 * dead_timeout;
    return;
  }
  if (linger_until == kNever) linger_until = now + 3 * dead_timeout;
  const bool is_heard = leader_has_report();
  if (!is_heard && now < linger_until) return;
  if (!is_heard) log(Log::Level::kWarning, "shutdown: no leader confirmed our final report; it waits out our lease");
  shutdown_done = true;
  log(Log::Level::kInfo, "shutdown: done");
  out.push_back(ShutdownDone{});
}

// Whether the leader we follow has our latest report: it echoed a heartbeat we sent after
// it, on the same ordered stream. A former leader, or a node whose leader was lost, has no
// leader until the next one claims leadership; adopt_epoch() then sends it our report.
bool NodeMachine::State::leader_has_report() const {
  if (!leader || *leader == config.self || shutdown_reported_at == kNever) return false;
  const PeerState* peer = membership.peer(*leader);
  if (peer == nullptr) return false;
  const auto echoed = membership.sent_at(peer->echoed_seq);
  return echoed && *echoed > shutdown_reported_at;
}

// The hooks did not finish in time. No report says the addresses are gone: the daemon
// removes what held() still lists, and the leader waits out our lease for it.
void NodeMachine::State::cut_shutdown_short() {
  log(Log::Level::kWarning, "shutdown: not done within EventScriptTimeoutMs (" +
                                std::to_string(config.tunables.event_script_timeout_ms) +
                                " ms): stopping now; the daemon removes what is still held");
  if (lead) {
    step_down("shutting down");
    send_heartbeats();
  }
  shutdown_done = true;
  out.push_back(ShutdownDone{});
}

// On the leader: a report of a node in a planned stop (accepted, so not older than one
// already applied). That node takes nothing ever again and its report lists all it may
// hold, so: takes it has not confirmed are void (it refuses every take from its Shutdown
// on, and those it carried out before are in `held`); a release it owes this run is as
// good as acknowledged once the report lists none of the addresses (it may have exited
// before the order reached it); a take it owes will not be carried out.
void NodeMachine::State::on_stop_report(NodeId from, const proto::StateReport& report) {
  lead->unconfirmed_takes.erase(from);
  lead->run_wanted = true;  // its groups move now, not after the usual spacing of runs
  lead->next_run_at = std::min(lead->next_run_at, now);
  if (!lead->run || from == config.self || !lead->run->waiting.contains(from)) return;
  const TakeoverRun& run = *lead->run;
  auto ordered = run.plan.orders.find(from);
  if (ordered == run.plan.orders.end()) return;
  if (run.phase == TakeoverRun::Phase::kTake) {
    on_ack(from, proto::TakeoverAck{epoch, run.id, TakeoverKind::kTake, false, {{IpAddress(), std::string(kShuttingDown)}}});
    return;
  }
  for (const auto& item : ordered->second.releases) {
    const bool is_held = std::any_of(report.held.begin(), report.held.end(), [&](const HeldAddress& h) {
      return h.prefix.address == item.prefix.address;
    });
    if (is_held) return;  // its real acknowledgement, or a later report, answers
  }
  on_ack(from, proto::TakeoverAck{epoch, run.id, TakeoverKind::kRelease, true, {}});
}

// The items of a release order that the stop's own release does not already cover: held,
// and not waiting in the stop's release.
std::vector<TakeoverItem> NodeMachine::State::not_yet_released(const std::vector<TakeoverItem>& items) const {
  const OrderInProgress* stop = nullptr;
  for (const auto& order : orders) {
    if (order.is_shutdown) stop = &order;
  }
  std::vector<TakeoverItem> left;
  for (const auto& item : items) {
    auto same = [&](const auto& other) { return other.prefix.address == item.prefix.address; };
    const bool is_held = std::any_of(held.begin(), held.end(), same);
    const bool is_covered = stop != nullptr && std::any_of(stop->to_remove.begin(), stop->to_remove.end(), same);
    if (is_held && !is_covered) left.push_back(item);
  }
  return left;
}

}  // namespace tandem::cluster
