// A planned stop (Event Shutdown, SIGTERM): the node takes nothing more, releases what it
// holds with its hooks as a release order would, tells its leader that it holds nothing
// and is STOPPED, steps down if it leads, and answers with ShutdownDone.
//
// Why the leader may give the node's groups away on its final report, without waiting out
// its lease (docs/design/cluster.md, "Planned stop"): the report is sent only once the
// stop's releaseip hooks are done, so after the batch that removed the addresses and after
// any refusal of the kernel (AddressFailed) came back; until then reports still list what
// is being released (PlannedStop::releasing()). From the Shutdown on the node refuses every take,
// so its holdings only shrink: an older report of the stop holds more (conservative). A
// report from before the stop is refused once one of the stop was applied (leader.cc),
// and one of an older applied run always was. A lost final report leaves the leader with
// an older one: it then waits out the lease, as for a crash.
#include "cluster/planned_stop.h"

#include "base/check.h"
#include "cluster/node_machine_state.h"

namespace tandem::cluster {

// =====================================================================================
// PlannedStop: the phases

void PlannedStop::begin(TimePoint deadline) {
  TANDEM_CHECK(phase_ == Phase::kRunning);
  phase_ = Phase::kWaitingForOrders;
  deadline_ = deadline;
}

void PlannedStop::release_started() {
  TANDEM_CHECK(phase_ == Phase::kWaitingForOrders);
  phase_ = Phase::kReleasing;
}

void PlannedStop::released() {
  TANDEM_CHECK(phase_ == Phase::kReleasing);
  phase_ = Phase::kReleased;
}

void PlannedStop::finish() {
  TANDEM_CHECK(is_under_way());
  phase_ = Phase::kDone;
}

TimePoint PlannedStop::wakeup() const { return is_under_way() ? std::min(deadline_, linger_until_) : kNever; }

// =====================================================================================
// The stop, as the node carries it out

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
  if (shutting_down()) return;
  if (!started) {  // nothing held, nobody to tell
    stop.begin(kNever);
    end_shutdown();
    return;
  }
  stop.begin(now + ms(config.tunables.event_script_timeout_ms));
  log(Log::Level::kInfo, "shutting down: taking nothing more, releasing " + std::to_string(held.size()) +
                             " public address" + (held.size() == 1 ? "" : "es"));
  // A group still being taken is released right after: its takegroup hook does not run.
  executor.abandon_arrivals();
  announcements.cancel_all();      // nothing this node is about to release is announced again
  send_report();                   // STOPPED: the leader places our groups elsewhere from now on
  if (Leader* leading = lead()) {  // ... and a leader does so itself, at once, before it steps down
    leading->owes_stop_run = true;
    leading->runs.want_run_now(now);
  }
}

// The stop's own release waits for the orders under way (their hooks), so that its
// releasegroup hooks never run beside a takeip of the same group.
void NodeMachine::State::advance_shutdown() {
  if (!stop.is_under_way()) return;
  if (now >= stop.deadline()) {
    cut_shutdown_short();
    return;
  }
  if (stop.phase() == PlannedStop::Phase::kWaitingForOrders && executor.is_idle()) start_shutdown_release();
}

void NodeMachine::State::start_shutdown_release() {
  stop.release_started();
  std::vector<TakeoverItem> items;
  for (const auto& entry : held) {
    items.push_back({entry.prefix, entry.interface, group_of(config.groups, entry.prefix.address)});
  }
  OrderInProgress release{config.self, epoch(), 0, TakeoverKind::kRelease, {}, {}, {}, {}, true};
  carry_out_release(release, items);
  executor.orders().push_back(std::move(release));
  finish_orders();
}

// Every address of the stop is gone and its releaseip hooks are done: the final report.
void NodeMachine::State::on_shutdown_released(std::size_t failures) {
  stop.released();
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
  if (!stop.is_released()) return;
  if (Leader* leading = lead()) {
    if (leading->runs.run()) return;                                          // ends by its acks or TakeoverTimeout
    if (leading->owes_stop_run && now < leading->runs.next_run_at()) return;  // the next try is due
    if (leading->owes_stop_run) {
      log(Log::Level::kWarning, "shutdown: no takeover run can start now; the next leader places our groups");
    }
    step_down("shutting down");
    send_heartbeats();  // "no leader" at once: the followers elect without waiting DeadTimeout
    stop.linger_until(now + 3 * dead_timeout());
    return;
  }
  if (stop.linger_until() == kNever) stop.linger_until(now + 3 * dead_timeout());
  const bool is_heard = leader_has_report();
  if (!is_heard && now < stop.linger_until()) return;
  if (!is_heard) log(Log::Level::kWarning, "shutdown: no leader confirmed our final report; it waits out our lease");
  log(Log::Level::kInfo, "shutdown: done");
  end_shutdown();
}

void NodeMachine::State::end_shutdown() {
  stop.finish();
  out.push_back(ShutdownDone{});
}

// Whether the leader we follow has our latest report: it echoed a heartbeat we sent after
// it, on the same ordered stream. A former leader, or a node whose leader was lost, has no
// leader until the next one claims leadership; adopt_epoch() then sends it our report.
bool NodeMachine::State::leader_has_report() const {
  if (!leader() || lead() || stop.reported_at() == kNever) return false;
  const PeerState* peer = membership.peer(*leader());
  if (peer == nullptr) return false;
  const auto echoed = membership.sent_at(peer->echoed_seq);
  return echoed && *echoed > stop.reported_at();
}

// The hooks did not finish in time. No report says the addresses are gone: the daemon
// removes what held() still lists, and the leader waits out our lease for it.
void NodeMachine::State::cut_shutdown_short() {
  log(Log::Level::kWarning, "shutdown: not done within EventScriptTimeoutMs (" +
                                std::to_string(config.tunables.event_script_timeout_ms) +
                                " ms): stopping now; the daemon removes what is still held");
  if (lead()) {
    step_down("shutting down");
    send_heartbeats();
  }
  end_shutdown();
}

// On the leader: a report of a node in a planned stop (accepted, so not older than one
// already applied). That node takes nothing ever again and its report lists all it may
// hold, so: takes it has not confirmed are void (it refuses every take from its Shutdown
// on, and those it carried out before are in `held`); a release it owes this run is as
// good as acknowledged once the report lists none of the addresses (it may have exited
// before the order reached it); a take it owes will not be carried out.
void NodeMachine::State::on_stop_report(Leader& lead, NodeId from, const proto::StateReport& report) {
  lead.unconfirmed_takes.erase(from);
  lead.runs.want_run_now(now);  // its groups move now, not after the usual spacing of runs
  const TakeoverRun* under_way = lead.runs.run();
  if (under_way == nullptr || from == config.self || !under_way->waiting.contains(from)) return;
  const TakeoverRun& run = *under_way;
  auto ordered = run.plan.orders.find(from);
  if (ordered == run.plan.orders.end()) return;
  if (run.phase == TakeoverRun::Phase::kTake) {
    on_ack(from, proto::TakeoverAck{epoch(),
                                    run.id,
                                    TakeoverKind::kTake,
                                    false,
                                    {{IpAddress(), proto::FailureCause::kShuttingDown, std::string(kShuttingDown)}}});
    return;
  }
  for (const auto& item : ordered->second.releases) {
    const bool is_held = std::any_of(report.held.begin(), report.held.end(),
                                     [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    if (is_held) return;  // its real acknowledgement, or a later report, answers
  }
  on_ack(from, proto::TakeoverAck{epoch(), run.id, TakeoverKind::kRelease, true, {}});
}

// The items of a release order that the stop's own release does not already cover: held,
// and not waiting in the stop's release.
std::vector<TakeoverItem> NodeMachine::State::not_yet_released(const std::vector<TakeoverItem>& items) const {
  const OrderInProgress* release = executor.stop_release();
  std::vector<TakeoverItem> left;
  for (const auto& item : items) {
    auto same = [&](const auto& other) { return other.prefix.address == item.prefix.address; };
    const bool is_held = std::any_of(held.begin(), held.end(), same);
    const bool is_covered =
        release != nullptr && std::any_of(release->to_remove.begin(), release->to_remove.end(), same);
    if (is_held && !is_covered) left.push_back(item);
  }
  return left;
}

}  // namespace tandem::cluster
