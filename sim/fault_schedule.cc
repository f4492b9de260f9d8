#include "sim/fault_schedule.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace tandem::sim {
namespace {

constexpr std::uint64_t kSaltFaults = 11;
constexpr std::uint64_t kSaltDisks = 12;

}  // namespace

// The faults every schedule draws from, in the order the draws index them.
const std::array<FaultSchedule::Fault, 12> FaultSchedule::kFirstFaults{
    &FaultSchedule::power_loss,          &FaultSchedule::crash,           &FaultSchedule::partition,
    &FaultSchedule::one_way_cut,         &FaultSchedule::degrade_network, &FaultSchedule::link_down,
    &FaultSchedule::link_flap,           &FaultSchedule::lose_lock,       &FaultSchedule::monitor_failure,
    &FaultSchedule::disable_for_a_while, &FaultSchedule::move_something,  &FaultSchedule::take_address,
};

FaultSchedule::FaultSchedule(SimWorld& world, std::uint64_t seed, Duration mean_gap, bool planned_stops, bool stalls)
    : world_(world),
      rng_(mix_seed(seed, kSaltFaults)),
      disk_rng_(mix_seed(seed, kSaltDisks)),
      mean_gap_(mean_gap),
      faults_(kFirstFaults.begin(), kFirstFaults.end()) {
  // Faults added later come after the first twelve, each only where asked for, so that a
  // schedule without them is the one from before they existed, seed for seed.
  if (planned_stops) faults_.push_back(&FaultSchedule::planned_stop);
  if (stalls) faults_.insert(faults_.end(), {&FaultSchedule::stall, &FaultSchedule::kill_for_a_while});
}

void FaultSchedule::run(TimePoint from, TimePoint until) {
  world_.run_until(from);
  TimePoint next_fault = from + next_gap();
  while (!world_.has_stopped() && world_.now() < until) {
    TimePoint step = std::min(next_fault, until);
    if (!undos_.empty()) step = std::min(step, undos_.front().at);
    world_.run_until(step);
    if (world_.has_stopped()) return;
    run_due_undos();
    if (next_fault <= world_.now() && world_.now() < until) {
      inject();
      next_fault = world_.now() + next_gap();
    }
  }
}

Duration FaultSchedule::next_gap() {
  const double draw = -std::log(1.0 - rng_.unit());
  return Duration(static_cast<Duration::rep>(draw * static_cast<double>(mean_gap_.count())) + 1);
}

void FaultSchedule::later(Duration after, std::function<void()> action) {
  const TimePoint at = world_.now() + after;
  auto place = std::upper_bound(undos_.begin(), undos_.end(), at, [](TimePoint t, const Undo& u) { return t < u.at; });
  undos_.insert(place, Undo{at, std::move(action)});
}

void FaultSchedule::run_due_undos() {
  while (!undos_.empty() && undos_.front().at <= world_.now()) {
    auto action = std::move(undos_.front().action);
    undos_.erase(undos_.begin());
    action();
  }
}

// One fault, drawn evenly from the table.
void FaultSchedule::inject() { (this->*faults_[rng_.below(faults_.size())])(); }

void FaultSchedule::crash() {
  if (auto node = any_running_node()) world_.crash_daemon(*node);
}

void FaultSchedule::lose_lock() {
  if (world_.options().has_cluster_lock) world_.lose_lock();
}

NodeIndex FaultSchedule::any_node() { return static_cast<NodeIndex>(rng_.below(world_.node_count())); }

std::optional<NodeIndex> FaultSchedule::any_running_node() {
  std::vector<NodeIndex> running;
  for (NodeIndex i = 0; i < world_.node_count(); ++i) {
    if (world_.node(i).is_running()) running.push_back(i);
  }
  if (running.empty()) return std::nullopt;
  return running[rng_.below(running.size())];
}

std::size_t FaultSchedule::powered_off_count() const {
  std::size_t off = 0;
  for (NodeIndex i = 0; i < world_.node_count(); ++i) off += world_.node(i).powered ? 0u : 1u;
  return off;
}

std::size_t FaultSchedule::not_running_count() const {
  std::size_t down = 0;
  for (NodeIndex i = 0; i < world_.node_count(); ++i) {
    const SimNode& node = world_.node(i);
    down += node.is_running() && !node.daemon->machine().is_shutting_down() ? 0u : 1u;
  }
  return down;
}

void FaultSchedule::power_loss() {
  const NodeIndex node = any_node();
  if (!world_.node(node).powered || (powered_off_count() + 1) * 2 >= world_.node_count()) return;
  world_.power_off(node);
  // One machine in four comes back with a new disk: a fresh node, which must be as safe.
  if (disk_rng_.below(4) == 0) world_.wipe_disk(node);
  later(rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(4000)),
        [this, node] { world_.power_on(node); });
}

void FaultSchedule::partition() {
  const std::size_t n = world_.node_count();
  const std::size_t side_size = 1 + rng_.below(std::max<std::size_t>(1, (n - 1) / 2));
  std::vector<NodeIndex> side;
  while (side.size() < side_size) {
    const NodeIndex node = any_node();
    if (std::find(side.begin(), side.end(), node) == side.end()) side.push_back(node);
  }
  world_.partition(side);
  later(rng_.between(std::chrono::milliseconds(500), std::chrono::milliseconds(3000)),
        [this] { world_.heal_network(); });
}

void FaultSchedule::one_way_cut() {
  const NodeIndex from = any_node();
  const NodeIndex to = any_node();
  if (from == to) return;
  world_.cut(from, to);
  later(rng_.between(std::chrono::milliseconds(500), std::chrono::milliseconds(3000)),
        [this] { world_.heal_network(); });
}

void FaultSchedule::degrade_network() {
  NetworkSettings bad = world_.options().network;
  bad.delay_max = rng_.between(bad.delay_max, std::chrono::milliseconds(30));
  bad.loss = rng_.unit() * 0.2;
  bad.duplicate = rng_.unit() * 0.1;
  bad.reorder = rng_.unit() * 0.3;
  world_.set_network(bad);
  later(rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(3000)),
        [this] { world_.set_network(world_.options().network); });
}

void FaultSchedule::link_down() {
  const NodeIndex node = any_node();
  const auto& interfaces = world_.layout().interfaces;
  const InterfaceName interface = interfaces[rng_.below(interfaces.size())];
  // With probes, half the link faults are dead paths behind a live carrier (a draw made
  // only then, so the schedules without probes stay as they were, seed for seed).
  if (world_.options().probes && rng_.below(2) == 0) {
    world_.silence_link(node, interface, true);
    later(rng_.between(std::chrono::milliseconds(200), std::chrono::milliseconds(3000)),
          [this, node, interface] { world_.silence_link(node, interface, false); });
    return;
  }
  world_.set_link(node, interface, LinkState::kDown);
  later(rng_.between(std::chrono::milliseconds(200), std::chrono::milliseconds(3000)),
        [this, node, interface] { world_.set_link(node, interface, LinkState::kUp); });
}

// An administrator (or NetworkManager) deletes one public address a running daemon holds.
void FaultSchedule::take_address() {
  const auto node = any_running_node();
  if (!node) return;
  const auto& held = world_.node(*node).kernel.held();
  if (held.empty()) return;
  world_.take_address(*node, held[rng_.below(held.size())].prefix.address);
}

void FaultSchedule::link_flap() {
  const NodeIndex node = any_node();
  const auto& interfaces = world_.layout().interfaces;
  const InterfaceName interface = interfaces[rng_.below(interfaces.size())];
  world_.set_link(node, interface, LinkState::kDown);
  Duration at{0};
  const auto toggles = 2 * (1 + rng_.below(3));  // ends up
  for (std::uint64_t i = 0; i < toggles - 1; ++i) {
    at += rng_.between(std::chrono::milliseconds(5), std::chrono::milliseconds(200));
    const LinkState state = i % 2 == 0 ? LinkState::kUp : LinkState::kDown;
    later(at, [this, node, interface, state] { world_.set_link(node, interface, state); });
  }
}

void FaultSchedule::monitor_failure() {
  const NodeIndex node = any_node();
  world_.set_hook_fault(node, HookEvent::kMonitor, HookFault::kFail);
  later(rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(4000)),
        [this, node] { world_.set_hook_fault(node, HookEvent::kMonitor, HookFault::kNone); });
}

void FaultSchedule::disable_for_a_while() {
  const auto via = any_running_node();
  if (!via) return;
  const NodeIndex node = any_node();
  world_.admin(*via, proto::Disable{NodeId(node)});
  disabled_.push_back(node);
  later(rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(3000)), [this, node] {
    if (auto again = any_running_node()) world_.admin(*again, proto::Enable{NodeId(node)});
  });
}

void FaultSchedule::move_something() {
  const auto via = any_running_node();
  if (!via) return;
  const auto& groups = world_.layout().groups;
  const IpGroup& group = groups[rng_.below(groups.size())];
  const NodeId to(any_node());  // drawn before the kind, as the seeds' figures expect
  if (rng_.chance(0.5)) {
    world_.admin(*via, proto::MoveIp{group.members[rng_.below(group.members.size())].address, to});
  } else {
    world_.admin(*via, proto::MoveGroup{group.name, to});
  }
}

// systemctl restart: stop with release, start again later; a minority at most is down.
void FaultSchedule::planned_stop() {
  const auto node = any_running_node();
  if (!node || (not_running_count() + 1) * 2 >= world_.node_count()) return;
  world_.shutdown_daemon(*node, rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(4000)));
}

// A stall ends by itself (SIGCONT); one already under way is not lengthened.
void FaultSchedule::stall() {
  const auto node = any_running_node();
  if (!node || world_.node(*node).stalled_until > world_.now()) return;
  world_.stall(*node, rng_.between(std::chrono::milliseconds(300), std::chrono::milliseconds(3000)));
}

// SIGKILL with no ExecStopPost (no systemd): the addresses stay, silenced by the kernel's
// serving limit, until the daemon is started again and removes them.
void FaultSchedule::kill_for_a_while() {
  const auto node = any_running_node();
  if (!node || (not_running_count() + 1) * 2 >= world_.node_count()) return;
  world_.kill_daemon(*node);
  later(rng_.between(std::chrono::milliseconds(1000), std::chrono::milliseconds(4000)), [this, node] {
    if (world_.node(*node).is_stopped) world_.start(*node);
  });
}

void FaultSchedule::heal_all() {
  undos_.clear();
  world_.note("heal: every fault ends");
  world_.heal_network();
  world_.set_network(world_.options().network);
  for (NodeIndex i = 0; i < world_.node_count(); ++i) {
    if (!world_.node(i).powered) world_.power_on(i);
    const SimNode& node = world_.node(i);
    if (node.is_stopped || (node.is_running() && node.daemon->machine().is_shutting_down())) world_.start(i);
    world_.set_hook_fault(i, HookEvent::kMonitor, HookFault::kNone);
    const auto links = world_.node(i).kernel.links();  // a copy: set_link changes it
    for (const auto& [interface, state] : links) {
      if (state == LinkState::kDown) world_.set_link(i, interface, LinkState::kUp);
    }
    const auto silent = world_.node(i).silent;  // a copy: silence_link changes it
    for (const auto& interface : silent) world_.silence_link(i, interface, false);
  }
  for (NodeIndex node : disabled_) {
    if (auto via = any_running_node()) world_.admin(*via, proto::Enable{NodeId(node)});
  }
  disabled_.clear();
}

}  // namespace tandem::sim
