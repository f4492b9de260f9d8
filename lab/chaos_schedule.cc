#include "lab/chaos_schedule.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

namespace tandem::lab {
namespace {

std::string node_name(int index) { return "n" + std::to_string(index); }
std::string interface_name(int k) { return "eth" + std::to_string(k); }

Fault on_node(FaultKind kind, int node) {
  Fault fault;
  fault.kind = kind;
  fault.node = node;
  return fault;
}

Fault on_interface(FaultKind kind, int node, int interface) {
  Fault fault = on_node(kind, node);
  fault.interface = interface;
  return fault;
}

// Nodes that can take a fault: powered, running or not, never stalled.
bool is_reachable(const ChaosNode& node) { return node.is_powered && !node.is_stalled; }

template <typename Wanted>
std::vector<Fault> per_node(const ChaosState& state, FaultKind kind, Wanted is_wanted) {
  std::vector<Fault> faults;
  for (std::size_t i = 0; i < state.nodes.size(); ++i) {
    if (is_wanted(state.nodes[i])) faults.push_back(on_node(kind, static_cast<int>(i)));
  }
  return faults;
}

// Each (node, interface) whose flag in `flags_of(node)` is `flag`, on reachable nodes.
template <typename Flags>
std::vector<Fault> per_interface(const ChaosState& state, FaultKind kind, bool flag, Flags flags_of) {
  std::vector<Fault> faults;
  for (std::size_t i = 0; i < state.nodes.size(); ++i) {
    const ChaosNode& node = state.nodes[i];
    if (!is_reachable(node)) continue;
    const std::vector<bool>& flags = flags_of(node);
    for (std::size_t k = 0; k < flags.size(); ++k) {
      if (flags[k] == flag) faults.push_back(on_interface(kind, static_cast<int>(i), static_cast<int>(k + 1)));
    }
  }
  return faults;
}

const std::vector<bool>& links_of(const ChaosNode& node) { return node.is_link_down; }
const std::vector<bool>& paths_of(const ChaosNode& node) { return node.is_path_dead; }

bool is_running(const ChaosNode& node) { return is_reachable(node) && node.is_daemon_running; }

// A dead path and a NIC down never meet on one interface: the lab sets a switch port's
// forwarding state only while the port is up (`bridge link set ... state` answers "Network
// is down" otherwise), and a NIC brought up forwards again whatever its state was.
std::vector<Fault> without_dead_or_down(std::vector<Fault> faults, const ChaosState& state) {
  std::erase_if(faults, [&](const Fault& fault) {
    const ChaosNode& node = state.nodes[static_cast<std::size_t>(fault.node)];
    const auto k = static_cast<std::size_t>(fault.interface - 1);
    return node.is_link_down[k] || node.is_path_dead[k];
  });
  return faults;
}

std::vector<Fault> nic_downs(const ChaosState& state, const ChaosShape&) {
  return without_dead_or_down(per_interface(state, FaultKind::kNicDown, false, links_of), state);
}
std::vector<Fault> nic_ups(const ChaosState& state, const ChaosShape&) {
  return per_interface(state, FaultKind::kNicUp, true, links_of);
}
std::vector<Fault> dead_paths(const ChaosState& state, const ChaosShape&) {
  return without_dead_or_down(per_interface(state, FaultKind::kDeadPath, false, paths_of), state);
}
std::vector<Fault> live_paths(const ChaosState& state, const ChaosShape&) {
  return per_interface(state, FaultKind::kLivePath, true, paths_of);
}
std::vector<Fault> crashes(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kCrash, is_running);
}
std::vector<Fault> restarts(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kRestart, [](const ChaosNode& node) { return !node.is_powered; });
}
std::vector<Fault> kills(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kKill, is_running);
}
std::vector<Fault> lone_kills(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kKillAlone, is_running);
}
std::vector<Fault> starts(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kStart,
                  [](const ChaosNode& node) { return node.is_powered && !node.is_daemon_running; });
}
std::vector<Fault> stalls(const ChaosState& state, const ChaosShape&) {
  return per_node(state, FaultKind::kStall, is_running);
}

// A minority cut off: every single node, and every pair when a pair is a minority.
std::vector<Fault> partitions(const ChaosState& state, const ChaosShape&) {
  std::vector<Fault> faults;
  if (state.is_partitioned) return faults;
  const int count = static_cast<int>(state.nodes.size());
  const int side_max = (count - 1) / 2;
  for (int i = 0; i < count && side_max >= 1; ++i) {
    Fault fault;
    fault.kind = FaultKind::kPartition;
    fault.nodes = {i};
    faults.push_back(fault);
    for (int j = i + 1; j < count && side_max >= 2; ++j) {
      fault.nodes = {i, j};
      faults.push_back(fault);
    }
  }
  return faults;
}

std::vector<Fault> heals(const ChaosState& state, const ChaosShape&) {
  if (!state.is_partitioned) return {};
  Fault fault;
  fault.kind = FaultKind::kHeal;
  return {fault};
}

std::vector<Fault> address_deletions(const ChaosState&, const ChaosShape& shape) {
  std::vector<Fault> faults;
  for (int i = 0; i < shape.address_count; ++i) {
    Fault fault;
    fault.kind = FaultKind::kDeleteAddress;
    fault.address_index = i;
    faults.push_back(fault);
  }
  return faults;
}

// Repairs weigh more than faults, so that the lab spends its time between "something is
// broken" and "most things are", not stuck at the invariant's edge.
constexpr std::array kFaultSpecs{
    FaultSpec{FaultKind::kNicDown, 4, nic_downs},
    FaultSpec{FaultKind::kNicUp, 6, nic_ups},
    FaultSpec{FaultKind::kCrash, 1, crashes},
    FaultSpec{FaultKind::kRestart, 5, restarts},
    FaultSpec{FaultKind::kKill, 1, kills},
    FaultSpec{FaultKind::kKillAlone, 1, lone_kills},
    FaultSpec{FaultKind::kStart, 5, starts},
    FaultSpec{FaultKind::kPartition, 1, partitions},
    FaultSpec{FaultKind::kHeal, 5, heals},
    FaultSpec{FaultKind::kStall, 2, stalls},
    FaultSpec{FaultKind::kDeleteAddress, 2, address_deletions},
    FaultSpec{FaultKind::kDeadPath, 2, dead_paths},  // `tandem-lab deadpath`: carrier up, nothing forwarded
    FaultSpec{FaultKind::kLivePath, 4, live_paths},
};

// The faults of `spec` that keep the cluster able to recover.
std::vector<Fault> allowed(const FaultSpec& spec, const ChaosState& state, const ChaosShape& shape) {
  std::vector<Fault> faults = spec.candidates(state, shape);
  std::erase_if(faults, [&](const Fault& fault) {
    ChaosState after = state;
    after.apply(fault);
    return !after.can_recover();
  });
  return faults;
}

// Draws one fault by the specs' weights, then uniformly among its kind's allowed faults;
// nothing when no kind of positive weight allows any.
std::optional<Fault> draw(std::span<const FaultSpec> specs, const ChaosState& state, const ChaosShape& shape,
                          ChaosRandom& random) {
  std::vector<std::vector<Fault>> choices;
  std::uint64_t total = 0;
  for (const auto& spec : specs) {
    choices.push_back(spec.weight > 0 ? allowed(spec, state, shape) : std::vector<Fault>{});
    if (!choices.back().empty()) total += static_cast<std::uint64_t>(spec.weight);
  }
  if (total == 0) return std::nullopt;
  std::uint64_t ticket = random.below(total);
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (choices[i].empty()) continue;
    const auto weight = static_cast<std::uint64_t>(specs[i].weight);
    if (ticket < weight) return choices[i][random.below(choices[i].size())];
    ticket -= weight;
  }
  return std::nullopt;
}

// What undoes every fault still in effect in `state`, in an order that works: the private
// network first (a restarted node then joins at once), then each node.
std::vector<Fault> final_heal(const ChaosState& state) {
  std::vector<Fault> faults;
  if (state.is_partitioned) faults.push_back(on_node(FaultKind::kHeal, -1));
  for (std::size_t i = 0; i < state.nodes.size(); ++i) {
    const ChaosNode& node = state.nodes[i];
    const int index = static_cast<int>(i);
    for (std::size_t k = 0; k < node.is_path_dead.size(); ++k) {
      if (node.is_path_dead[k]) faults.push_back(on_interface(FaultKind::kLivePath, index, static_cast<int>(k + 1)));
    }
    if (!node.is_powered) {
      faults.push_back(on_node(FaultKind::kRestart, index));
      continue;
    }
    for (std::size_t k = 0; k < node.is_link_down.size(); ++k) {
      if (node.is_link_down[k]) faults.push_back(on_interface(FaultKind::kNicUp, index, static_cast<int>(k + 1)));
    }
    if (!node.is_daemon_running) faults.push_back(on_node(FaultKind::kStart, index));
  }
  return faults;
}

}  // namespace

std::string_view fault_kind_name(FaultKind kind) {
  switch (kind) {
    case FaultKind::kNicDown:
      return "nic-down";
    case FaultKind::kNicUp:
      return "nic-up";
    case FaultKind::kCrash:
      return "crash";
    case FaultKind::kRestart:
      return "restart";
    case FaultKind::kKill:
      return "kill";
    case FaultKind::kKillAlone:
      return "kill --no-release-all";
    case FaultKind::kStart:
      return "start";
    case FaultKind::kPartition:
      return "partition";
    case FaultKind::kHeal:
      return "heal";
    case FaultKind::kStall:
      return "stall";
    case FaultKind::kResume:
      return "resume";
    case FaultKind::kDeleteAddress:
      return "deladdr";
    case FaultKind::kDeadPath:
      return "deadpath";
    case FaultKind::kLivePath:
      return "livepath";
  }
  return "?";
}

std::string fault_text(const Fault& fault) {
  std::string text(fault_kind_name(fault.kind));
  for (int node : fault.nodes) text += " " + node_name(node);
  if (fault.node >= 0) text += " " + node_name(fault.node);
  if (fault.interface > 0) text += " " + interface_name(fault.interface);
  if (fault.kind == FaultKind::kStall) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, " %.3f", static_cast<double>(fault.span_ms) / 1000.0);
    text += seconds;
  }
  if (fault.address_index >= 0) text += " #" + std::to_string(fault.address_index);
  return text;
}

bool ChaosNode::is_whole() const {
  return is_member() && std::none_of(is_link_down.begin(), is_link_down.end(), [](bool b) { return b; }) &&
         std::none_of(is_path_dead.begin(), is_path_dead.end(), [](bool b) { return b; });
}

ChaosState::ChaosState(const ChaosShape& shape) {
  ChaosNode node;
  node.is_link_down.assign(static_cast<std::size_t>(shape.interface_count), false);
  node.is_path_dead.assign(static_cast<std::size_t>(shape.interface_count), false);
  nodes.assign(static_cast<std::size_t>(shape.node_count), node);
}

void ChaosState::apply(const Fault& fault) {
  ChaosNode* node = fault.node >= 0 ? &nodes[static_cast<std::size_t>(fault.node)] : nullptr;
  const auto k = static_cast<std::size_t>(std::max(fault.interface - 1, 0));
  switch (fault.kind) {
    case FaultKind::kNicDown:
      node->is_link_down[k] = true;
      break;
    case FaultKind::kNicUp:
      node->is_link_down[k] = false;
      break;
    case FaultKind::kCrash:
      node->is_powered = false;
      node->is_daemon_running = false;
      // A power loss takes its switch ports down; the restart brings them up forwarding.
      std::fill(node->is_path_dead.begin(), node->is_path_dead.end(), false);
      break;
    case FaultKind::kRestart:
      node->is_powered = true;
      node->is_daemon_running = true;
      std::fill(node->is_link_down.begin(), node->is_link_down.end(), false);
      break;
    case FaultKind::kKill:
    case FaultKind::kKillAlone:
      node->is_daemon_running = false;
      break;
    case FaultKind::kStart:
      node->is_daemon_running = true;
      break;
    case FaultKind::kPartition:
      is_partitioned = true;
      for (int cut : fault.nodes) nodes[static_cast<std::size_t>(cut)].is_cut_off = true;
      break;
    case FaultKind::kHeal:
      is_partitioned = false;
      for (auto& each : nodes) each.is_cut_off = false;
      break;
    case FaultKind::kStall:
      node->is_stalled = true;
      break;
    case FaultKind::kResume:
      node->is_stalled = false;
      break;
    case FaultKind::kDeleteAddress:
      break;  // the daemon restores it: no lasting state
    case FaultKind::kDeadPath:
      node->is_path_dead[k] = true;
      break;
    case FaultKind::kLivePath:
      node->is_path_dead[k] = false;
      break;
  }
}

int ChaosState::member_count() const {
  return static_cast<int>(std::count_if(nodes.begin(), nodes.end(), [](const ChaosNode& n) { return n.is_member(); }));
}

bool ChaosState::can_recover() const {
  const bool has_whole = std::any_of(nodes.begin(), nodes.end(), [](const ChaosNode& n) { return n.is_whole(); });
  return has_whole && 2 * member_count() > static_cast<int>(nodes.size());
}

std::uint64_t ChaosRandom::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

std::uint64_t ChaosRandom::below(std::uint64_t bound) {
  // Rejects the top sliver that would make low values likelier.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t value = next();
  while (value >= limit) value = next();
  return value % bound;
}

std::int64_t ChaosRandom::between(std::int64_t low, std::int64_t high) {
  return low + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(high - low) + 1));
}

std::span<const FaultSpec> chaos_fault_specs() { return kFaultSpecs; }

Result<void> check_chaos_options(const ChaosShape& shape, const ChaosOptions& options) {
  if (shape.node_count < 1) return fail("chaos", "the lab has no node");
  if (shape.interface_count < 1) return fail("chaos", "the nodes have no public interface");
  if (options.duration < std::chrono::seconds(1)) return fail("chaos --seconds", "must be at least 1");
  if (options.gap_min <= std::chrono::milliseconds(0) || options.gap_min > options.gap_max)
    return fail("chaos", "the gap between faults must be positive, its minimum at most its maximum");
  if (options.stall_min <= std::chrono::milliseconds(0) || options.stall_min > options.stall_max)
    return fail("chaos", "a stall must be positive, its minimum at most its maximum");
  return success();
}

std::vector<Fault> make_chaos_schedule(const ChaosShape& shape, const ChaosOptions& options) {
  return make_chaos_schedule(shape, options, chaos_fault_specs());
}

std::vector<Fault> make_chaos_schedule(const ChaosShape& shape, const ChaosOptions& options,
                                       std::span<const FaultSpec> specs) {
  ChaosRandom random(options.seed);
  ChaosState state(shape);
  std::vector<Fault> schedule;
  std::vector<Fault> resumes;  // pending, in time order
  const std::int64_t end_ms = options.duration.count();
  auto emit = [&](Fault fault) {
    state.apply(fault);
    schedule.push_back(std::move(fault));
  };
  auto emit_resumes_until = [&](std::int64_t t_ms) {
    while (!resumes.empty() && resumes.front().at_ms <= t_ms) {
      emit(resumes.front());
      resumes.erase(resumes.begin());
    }
  };
  std::int64_t t_ms = 0;
  while (true) {
    t_ms += random.between(options.gap_min.count(), options.gap_max.count());
    if (t_ms >= end_ms) break;
    emit_resumes_until(t_ms);
    auto fault = draw(specs, state, shape, random);
    if (!fault) continue;
    fault->at_ms = t_ms;
    if (fault->kind == FaultKind::kStall) {
      fault->span_ms =
          std::min(random.between(options.stall_min.count(), options.stall_max.count()), end_ms - t_ms - 1);
      Fault resume = on_node(FaultKind::kResume, fault->node);
      resume.at_ms = t_ms + fault->span_ms;
      resumes.insert(std::upper_bound(resumes.begin(), resumes.end(), resume,
                                      [](const Fault& a, const Fault& b) { return a.at_ms < b.at_ms; }),
                     resume);
    }
    emit(*fault);
  }
  emit_resumes_until(end_ms);
  for (Fault fault : final_heal(state)) {
    fault.at_ms = end_ms;
    fault.is_final_heal = true;
    emit(std::move(fault));
  }
  return schedule;
}

}  // namespace tandem::lab
