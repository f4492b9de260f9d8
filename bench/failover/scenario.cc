#include "failover/scenario.h"

#include <algorithm>
#include <functional>

#include "failover/leader.h"
#include "failover/log_cursor.h"
#include "failover/settle.h"
#include "lab/netns.h"

namespace tandem::bench {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kSettleLimit{60000};
constexpr milliseconds kFailoverLimit{30000};

using Fault = std::function<Result<void>()>;

// Injects `fault`, marks it, and waits for each of `ips` to answer as `accept` says.
void measure(const ScenarioContext& context, const std::vector<IpAddress>& ips, const Fault& fault,
             const lab::AnswerFilter& accept, Repetition& repetition) {
  lab::FailoverClock clock(context.session);
  const std::int64_t called_ms = lab::monotonic_ms();
  if (auto done = fault(); !done) {
    repetition.error = done.error().message();
    return;
  }
  clock.mark_fault();
  repetition.fault_took_ms = clock.fault_ms() - called_ms;
  if (ips.empty()) repetition.error = repetition.node + " held no public IP there: nothing to measure";
  for (const auto& ip : ips) {
    auto failover = clock.wait(ip, kFailoverLimit, accept);
    if (!failover) {
      repetition.error = failover.error().message();
      return;
    }
    int failed = context.session.failures_between(ip, clock.fault_ms(), failover->attempt_start_ms);
    repetition.failovers.push_back({ip.to_string(), failover->answer, failover->duration().count(), failed});
  }
}

void note_error(Repetition& repetition, const Result<void>& result) {
  if (!result && repetition.error.empty()) repetition.error = result.error().message();
}

Repetition nic_repetition(const ScenarioContext& context, int index, const lab::LabStatus& status) {
  const auto& groups = context.lab.plan().groups;
  const auto& address = groups[static_cast<std::size_t>(index) % groups.size()].addresses.front();
  Repetition repetition;
  repetition.index = index;
  repetition.node = holder_node(status, address.prefix.address);
  repetition.interface = address.preferred_interface;
  const std::string old_place = repetition.node + " " + repetition.interface;
  const std::string same_node = repetition.node + " ";
  const auto ips = held_by(status, repetition.node, repetition.interface);
  measure(
      context, ips, [&] { return context.lab.nic_down(repetition.node, repetition.interface); },
      [&](const std::string& answer) { return answer.starts_with(same_node) && answer != old_place; }, repetition);
  lab::FailoverClock clock(context.session);
  auto repaired = context.lab.nic_up(repetition.node, repetition.interface);
  note_error(repetition, repaired);
  if (!repaired) return repetition;
  clock.mark_fault();
  std::int64_t failback_ms = 0;
  for (const auto& ip : ips) {
    auto back = clock.wait(ip, kFailoverLimit, lab::answer_is(old_place));
    if (!back) {
      if (repetition.error.empty()) repetition.error = "failback: " + back.error().message();
      return repetition;
    }
    failback_ms = std::max<std::int64_t>(failback_ms, back->duration().count());
  }
  repetition.failback_ms = failback_ms;
  return repetition;
}

// A fault of `node` (a follower holding a group, or the leader) whose IPs must answer from
// another node, then its repair: a crash (power loss) and a boot, or a stall (SIGSTOP) and
// SIGCONT once its IPs answered elsewhere.
Repetition node_repetition(const ScenarioContext& context, int index, const lab::LabStatus& status,
                           const std::string& node, const LeaderAnswer& leader, bool is_stall) {
  Repetition repetition;
  repetition.index = index;
  repetition.node = node;
  repetition.leader = leader.node;
  repetition.leader_method = leader.method;
  measure(
      context, held_by(status, node, ""), [&] { return is_stall ? context.lab.pause(node) : context.lab.crash(node); },
      lab::answer_not_from(node), repetition);
  note_error(repetition, is_stall ? context.lab.resume(node) : context.lab.restart(node));
  return repetition;
}

// The followers that hold a group, in the plan's order; the repetition picks one in turn.
std::vector<std::string> followers_holding(const ScenarioContext& context, const lab::LabStatus& status,
                                           const std::string& leader) {
  std::vector<std::string> nodes;
  for (const auto& node : context.lab.plan().nodes) {
    if (node.name != leader && !held_by(status, node.name, "").empty()) nodes.push_back(node.name);
  }
  return nodes;
}

Repetition failed_repetition(int index, std::string error) {
  Repetition repetition;
  repetition.index = index;
  repetition.error = std::move(error);
  return repetition;
}

Repetition one_repetition(const ScenarioContext& context, const std::string& name, int index,
                          const lab::LabStatus& status) {
  if (name == "nic") return nic_repetition(context, index, status);
  auto leader = find_leader(context.lab, context.tandem_program);
  if (!leader) return failed_repetition(index, leader.error().message());
  if (name == "leader") return node_repetition(context, index, status, leader->node, *leader, false);
  auto followers = followers_holding(context, status, leader->node);
  if (followers.empty()) return failed_repetition(index, "no follower holds a group");
  const auto& node = followers[static_cast<std::size_t>(index) % followers.size()];
  return node_repetition(context, index, status, node, *leader, name == "stall");
}

void print_progress(std::ostream& out, const std::string& name, const Repetition& repetition) {
  out << name << " " << repetition.index + 1 << ": " << repetition.node;
  if (!repetition.interface.empty()) out << " " << repetition.interface;
  if (!repetition.leader.empty()) out << " (leader " << repetition.leader << ")";
  for (const auto& failover : repetition.failovers) {
    out << "  " << failover.ip << " " << failover.duration_ms << " ms -> " << failover.answer;
  }
  if (repetition.failback_ms) out << "  back " << *repetition.failback_ms << " ms";
  if (repetition.unexpected_log_lines > 0) out << "  " << repetition.unexpected_log_lines << " UNEXPECTED log lines";
  if (!repetition.error.empty()) out << "  ERROR: " << repetition.error;
  out << std::endl;
}

}  // namespace

bool is_scenario(const std::string& name) {
  return name == "nic" || name == "node" || name == "leader" || name == "stall";
}

int unexpected_lines(const std::string& name, const LogEvents& events, int node_count) {
  int explained = 0;
  if (name == "leader") explained = std::min(events.leader_lost, node_count - 1) + std::min(events.became_leader, 1);
  // The stopped node finds its lease lapsed when it continues, and may have missed its leader.
  if (name == "stall") explained = std::min(events.released_all, 1) + std::min(events.leader_lost, 1);
  return events.false_failover_lines() - explained;
}

namespace {

// A repetition's log covers its fault, its repair and the wait until settled again.
void close_log(const ScenarioContext& context, const std::string& name, const LogCursor& cursor,
               Repetition& repetition) {
  repetition.log = cursor.events_since(context.lab);
  repetition.unexpected_log_lines =
      unexpected_lines(name, repetition.log, static_cast<int>(context.lab.plan().nodes.size()));
  print_progress(context.progress, name, repetition);
}

}  // namespace

ScenarioResult run_scenario(const ScenarioContext& context, const std::string& name, int repetitions) {
  ScenarioResult result{name, repetitions, {}, {}};
  std::optional<LogCursor> cursor;
  for (int index = 0; index <= repetitions; ++index) {
    auto settled = settle(context.lab, context.session, kSettleLimit);
    if (cursor) close_log(context, name, *cursor, result.repetitions.back());
    if (!settled) {
      result.aborted = (index < repetitions ? "before repetition " + std::to_string(index + 1) : "after the last one") +
                       ": " + settled.error().message();
      context.progress << name << ": stopped " << result.aborted << std::endl;
      break;
    }
    if (index == repetitions) break;
    cursor = LogCursor::at_end(context.lab);
    Repetition repetition = one_repetition(context, name, index, settled->status);
    repetition.settle_ms = settled->waited_ms;
    result.repetitions.push_back(std::move(repetition));
  }
  return result;
}

}  // namespace tandem::bench
