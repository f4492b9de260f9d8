// NodeMachine::State::check_invariants(): the rules a node machine keeps after every step,
// checked with TANDEM_CHECK at the end of every NodeMachine::on(). A broken one is a bug in
// the machine, never bad input: the daemon stops at once rather than go on with corrupt
// state (which could put one address on two nodes), and the simulator fails at the first
// broken rule, with its seed, instead of when the kernel tables finally disagree.
// docs/design/cluster.md ("Invariants checked after every step") lists them in prose.
#include <set>

#include "cluster/node_machine_state.h"

namespace tandem::cluster {

namespace {

bool is_take(const Action& action) {
  const auto* hook = std::get_if<RunHook>(&action);
  return hook != nullptr && (hook->event == HookEvent::kTakeIp || hook->event == HookEvent::kTakeGroup);
}

}  // namespace

NodeMachine::State::CallStart NodeMachine::State::call_start() const {
  CallStart start{epoch(), {}, started, leadership.durable()};
  for (const auto& entry : held) start.held.insert(entry.prefix.address);
  return start;
}

void NodeMachine::State::check_invariants(const CallStart& start) {
  // 1. Epochs never go back, and nothing this node does names a newer epoch than it knows:
  //    neither an order under way nor what its reports say was applied.
  TANDEM_CHECK(epoch() >= start.epoch);
  TANDEM_CHECK(executor.applied_epoch() <= epoch());
  for (const auto& order : executor.orders()) TANDEM_CHECK(order.epoch <= epoch());

  // 2. A leader follows itself; a follower never follows itself; only leadership by vote
  //    has candidates.
  TANDEM_CHECK(leadership.is_leader() == (leader() == config.self));
  if (leadership.standing() != nullptr) TANDEM_CHECK(!config.has_cluster_lock);

  // 3. With a cluster lock, this node holds the lock exactly while it leads (it steps down
  //    when it loses the lock, and lets the lock go when it steps down).
  if (config.has_cluster_lock) TANDEM_CHECK(lock.is_held() == leadership.is_leader());
  if (!config.has_cluster_lock) TANDEM_CHECK(lock.phase() == LockClaim::Phase::kFree);

  // 4. A node without a lease holds no address (it released everything when it lapsed);
  //    and it holds each address once.
  if (started && !has_lease()) TANDEM_CHECK(held.empty());
  std::set<IpAddress> addresses_held;
  for (const auto& entry : held) TANDEM_CHECK(addresses_held.insert(entry.prefix.address).second);

  // 5. A node that is shutting down takes nothing: no takeip or takegroup hook, and no
  //    address added unless it held it before this step (an update moving it).
  if (shutting_down()) {
    for (const auto& action : out) {
      TANDEM_CHECK(!is_take(action));
      if (const auto* add = std::get_if<AddAddress>(&action)) TANDEM_CHECK(start.held.contains(add->prefix.address));
    }
  }

  // 9. The kernel knows the lease's end and every public address of this node: it never
  //    lets an address serve longer than the lease (the limit only ever hears the lease's
  //    own end), and never shorter, since it was told at each renewal.
  if (started) {
    std::vector<IpAddress> listed;
    for (const auto& address : *addresses) listed.push_back(address.address());
    TANDEM_CHECK(serving_limit.is_told(lease.until(), listed));
  }

  // 12. What must survive a restart is on disk before it is acted on: a started node's disk
  //     was told its highest epoch seen and voted in, and a call that raised either (other
  //     than the Start that read them) says so first, before any vote or heartbeat it sends.
  if (started) {
    TANDEM_CHECK(durable_told == leadership.durable());
    if (start.started && start.durable != leadership.durable()) {
      const auto* persist = out.empty() ? nullptr : std::get_if<PersistState>(&out.front());
      TANDEM_CHECK(persist != nullptr && persist->state == leadership.durable());
    }
  }

  check_announcement_invariants();
  check_tickle_invariants();
  if (const Leader* leading = lead()) check_leader_invariants(*leading);
}

void NodeMachine::State::check_announcement_invariants() const {
  // 10. Every announcement still to be sent names an address this node holds, on the
  //     interface it holds it on, and no release under way is to remove: a release, a lost
  //     lease or a move cancelled the rest. A node that is shutting down schedules none.
  for (const auto& scheduled : announcements.pending()) {
    const IpAddress& address = scheduled.first;  // not a structured binding: the lambda below
    const auto& pending = scheduled.second;      // captures them (clang-tidy's clang 14)
    TANDEM_CHECK(pending.sends_left >= 1);
    TANDEM_CHECK(!shutting_down());
    TANDEM_CHECK(!executor.is_releasing(address));
    const bool is_held_there = std::any_of(held.begin(), held.end(), [&](const HeldAddress& entry) {
      return entry.prefix.address == address && entry.interface == pending.interface;
    });
    TANDEM_CHECK(is_held_there);
  }
  // 11. An address a take brought here is announced only once its takeip and takegroup
  //     hooks are done (clients are sent here when the service is ready): while they run,
  //     none of its sends is pending, and none went out in this step.
  for (const auto& scheduled : announcements.pending()) TANDEM_CHECK(!executor.is_taking(scheduled.first));
  for (const auto& action : out) {
    if (const auto* sent = std::get_if<Announce>(&action)) TANDEM_CHECK(!executor.is_taking(sent->address));
  }
}

void NodeMachine::State::check_leader_invariants(const Leader& lead) const {
  // 6. A leader keeps only reports of its own epoch.
  for (const auto& [node, report] : lead.reports) TANDEM_CHECK(report.epoch == epoch());

  const TakeoverRun* run = lead.runs.run();
  if (run == nullptr) return;
  // 7. A run under way waits for someone (else it has moved on or ended), and only for
  //    nodes its plan gives orders of the current phase.
  TANDEM_CHECK(!run->waiting.empty());
  for (NodeId node : run->waiting) {
    auto orders = run->plan.orders.find(node);
    TANDEM_CHECK(orders != run->plan.orders.end());
    const bool is_release = run->phase == TakeoverRun::Phase::kRelease;
    TANDEM_CHECK(!(is_release ? orders->second.releases : orders->second.takes).empty());
  }
  // 8. What the run's plan orders matches what the leader recorded: a take recorded as
  //    unconfirmed for the run under way is exactly the plan's takes for that node.
  for (const auto& [node, takes] : lead.unconfirmed_takes) {
    if (takes.first != run->id) continue;
    auto orders = run->plan.orders.find(node);
    TANDEM_CHECK(orders != run->plan.orders.end() && orders->second.takes == takes.second);
  }
}

}  // namespace tandem::cluster
