#include "iscsi/iscsi_scenario.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <sstream>

#include "failover/leader.h"
#include "failover/results.h"
#include "failover/settle.h"
#include "lab/command_runner.h"
#include "lab/netns.h"

namespace tandem::bench {
namespace {

using std::chrono::milliseconds;
using NodeFilter = std::function<bool(const std::string&)>;

constexpr milliseconds kSettleLimit{60000};
constexpr milliseconds kSteadyQuiet{1000};
constexpr milliseconds kMoveLimit{30000};

const std::vector<std::string> kScenarios{"nic", "node", "leader", "movegroup"};

struct Fault {
  const IscsiContext& context;
  lab::LabStatus status;  // settled, before the fault
};

std::string holder_of_group(const Fault& fault, std::size_t group) {
  return holder_node(fault.status, fault.context.lab.plan().groups.at(group).addresses.at(0).prefix.address);
}

std::vector<std::size_t> groups_on(const Fault& fault, const std::string& node) {
  std::vector<std::size_t> groups;
  for (std::size_t g = 0; g < fault.context.lab.plan().groups.size(); ++g) {
    if (holder_of_group(fault, g) == node) groups.push_back(g);
  }
  return groups;
}

Result<lab::LabStatus> prepare(const IscsiContext& context) {
  auto settled = settle(context.lab, context.session, kSettleLimit);
  if (!settled) return fail(settled.error());
  for (const auto& reader : context.readers) {
    if (!reader->wait_until_steady(kSteadyQuiet, kSettleLimit)) return fail("iSCSI reader", "not steady within 60 s");
  }
  return settled->status;
}

// The outage of `portal` across a fault that started at `start_ms`: waits for a good READ
// from a node `accept` takes, then finds the outage that READ (or an earlier one) ended.
Result<PortalOutage> measure(const lab::IscsiReader& reader, const std::string& group, const std::string& portal,
                             const std::string& role, std::int64_t start_ms, const NodeFilter& accept) {
  auto read = reader.wait_for_read(portal, start_ms, kMoveLimit, accept);
  if (!read) return fail(portal, "no good READ from the expected node within 30 s of the fault");
  PortalOutage result{group, portal, role, 0, 0, read->node, read->node};
  for (const auto& outage : reader.outages()) {
    if (outage.portal != portal || outage.first_good.t_ms < start_ms || outage.last_good.t_ms > read->t_ms) continue;
    result.outage_ms = std::max(result.outage_ms, outage.duration_ms());
    result.errors += outage.errors;
    result.node_before = outage.last_good.node;
  }
  return result;
}

// Every portal of every group in `groups`; `role` names each portal's role.
void measure_groups(const Fault& fault, const std::vector<std::size_t>& groups, std::int64_t start_ms,
                    const NodeFilter& accept, const std::function<std::string(const std::string&)>& role,
                    IscsiRepetition& repetition) {
  for (std::size_t g : groups) {
    const lab::IscsiReader& reader = *fault.context.readers.at(g);
    for (const auto& portal : reader.portals()) {
      auto measured = measure(reader, fault.context.lab.plan().groups[g].name, portal, role(portal), start_ms, accept);
      if (!measured && repetition.error.empty()) repetition.error = measured.error().message();
      if (measured) repetition.portals.push_back(*measured);
    }
  }
}

void note(IscsiRepetition& repetition, const Result<void>& result) {
  if (!result && repetition.error.empty()) repetition.error = result.error().message();
}

Result<void> movegroup(const IscsiContext& context, const std::string& group, const std::string& node) {
  const lab::PlannedNode* planned = context.lab.plan().find_node(node);
  if (planned == nullptr || context.tandem_program.empty()) return fail("movegroup", "needs the tandem tool");
  auto ran = lab::run_checked(
      {{context.tandem_program, "--socket", planned->paths.socket, "movegroup", group, node.substr(1)}});
  if (!ran) return fail(ran.error());
  return success();
}

void run_nic(const Fault& fault, IscsiRepetition& repetition) {
  const auto& groups = fault.context.lab.plan().groups;
  repetition.node = holder_of_group(fault, static_cast<std::size_t>(repetition.index) % groups.size());
  repetition.interface = "eth" + std::to_string(1 + repetition.index % 2);
  std::vector<std::string> failed;
  for (const auto& address : held_by(fault.status, repetition.node, repetition.interface))
    failed.push_back(address.to_string());
  std::int64_t start_ms = lab::monotonic_ms();
  note(repetition, fault.context.lab.nic_down(repetition.node, repetition.interface));
  const std::string& node = repetition.node;
  measure_groups(
      fault, groups_on(fault, node), start_ms, [&](const std::string& n) { return n == node; },
      [&](const std::string& portal) {
        return std::find(failed.begin(), failed.end(), portal) != failed.end() ? "failed" : "other";
      },
      repetition);
  note(repetition, fault.context.lab.nic_up(repetition.node, repetition.interface));
}

void run_power_loss(const Fault& fault, const std::string& node, IscsiRepetition& repetition) {
  repetition.node = node;
  std::int64_t start_ms = lab::monotonic_ms();
  note(repetition, fault.context.lab.crash(node));
  measure_groups(
      fault, groups_on(fault, node), start_ms, [&](const std::string& n) { return !n.empty() && n != node; },
      [](const std::string&) { return "moved"; }, repetition);
  note(repetition, fault.context.lab.restart(node));
}

// A follower holding a group, the groups taken in turn from the repetition's.
std::string follower_with_group(const Fault& fault, const std::string& leader, int index) {
  const std::size_t count = fault.context.lab.plan().groups.size();
  for (std::size_t k = 0; k < count; ++k) {
    std::string holder = holder_of_group(fault, (static_cast<std::size_t>(index) + k) % count);
    if (!holder.empty() && holder != leader) return holder;
  }
  return "";
}

std::string node_without_group(const Fault& fault) {
  for (const auto& node : fault.context.lab.plan().nodes) {
    if (groups_on(fault, node.name).empty()) return node.name;
  }
  return "";
}

void run_repetition(const IscsiContext& context, const std::string& name, Fault& fault, IscsiRepetition& repetition) {
  const auto& groups = context.lab.plan().groups;
  const std::string group = groups.at(static_cast<std::size_t>(repetition.index) % groups.size()).name;
  if (name == "nic") return run_nic(fault, repetition);
  auto leader = find_leader(context.lab, context.tandem_program);
  if (!leader) return note(repetition, fail(leader.error()));
  if (name == "node") {
    std::string node = follower_with_group(fault, leader->node, repetition.index);
    if (node.empty()) return note(repetition, fail("node", "no follower holds a group"));
    return run_power_loss(fault, node, repetition);
  }
  if (name == "leader") {
    if (groups_on(fault, leader->node).empty()) {
      if (auto moved = movegroup(context, group, leader->node); !moved) return note(repetition, moved);
      auto settled = prepare(context);
      if (!settled) return note(repetition, fail(settled.error()));
      fault.status = *settled;
    }
    return run_power_loss(fault, leader->node, repetition);
  }
  std::string target = node_without_group(fault);
  std::size_t index = static_cast<std::size_t>(repetition.index) % groups.size();
  if (target.empty())
    return note(repetition, fail("movegroup", "every node holds a group: use fewer groups than nodes"));
  repetition.node = target;
  std::int64_t start_ms = lab::monotonic_ms();
  note(repetition, movegroup(context, group, target));
  measure_groups(
      fault, {index}, start_ms, [&](const std::string& n) { return n == target; },
      [](const std::string&) { return "moved"; }, repetition);
}

}  // namespace

bool is_iscsi_scenario(const std::string& name) {
  return std::find(kScenarios.begin(), kScenarios.end(), name) != kScenarios.end();
}

IscsiScenarioResult run_iscsi_scenario(const IscsiContext& context, const std::string& name, int repetitions) {
  IscsiScenarioResult result{name, {}, ""};
  for (int r = 0; r < repetitions; ++r) {
    auto settled = prepare(context);
    if (!settled) {
      result.aborted = settled.error().message();
      break;
    }
    Fault fault{context, *settled};
    IscsiRepetition repetition;
    repetition.index = r;
    run_repetition(context, name, fault, repetition);
    context.progress << name << " " << (r + 1) << "/" << repetitions << ":";
    for (const auto& portal : repetition.portals) {
      context.progress << " " << portal.portal << " " << portal.role << " " << portal.outage_ms << " ms";
    }
    if (!repetition.error.empty()) context.progress << " ERROR " << repetition.error;
    context.progress << std::endl;
    result.repetitions.push_back(std::move(repetition));
  }
  return result;
}

Summary role_summary(const IscsiScenarioResult& scenario, const std::string& role) {
  std::vector<double> values;
  for (const auto& repetition : scenario.repetitions) {
    if (!repetition.error.empty()) continue;
    for (const auto& portal : repetition.portals) {
      if (portal.role == role) values.push_back(static_cast<double>(portal.outage_ms));
    }
  }
  return summarize(values);
}

nlohmann::json iscsi_scenario_json(const IscsiScenarioResult& scenario) {
  nlohmann::json repetitions = nlohmann::json::array();
  int failed = 0;
  for (const auto& repetition : scenario.repetitions) {
    nlohmann::json portals = nlohmann::json::array();
    for (const auto& p : repetition.portals) {
      portals.push_back({{"group", p.group},
                         {"portal", p.portal},
                         {"role", p.role},
                         {"outage_ms", p.outage_ms},
                         {"errors", p.errors},
                         {"node_before", p.node_before},
                         {"node_after", p.node_after}});
    }
    failed += !repetition.error.empty();
    repetitions.push_back({{"index", repetition.index},
                           {"node", repetition.node},
                           {"interface", repetition.interface},
                           {"portals", portals},
                           {"error", repetition.error}});
  }
  nlohmann::json summary;
  for (const auto* role : {"failed", "other", "moved"}) {
    Summary s = role_summary(scenario, role);
    if (s.count > 0) summary[role] = summary_json(s);
  }
  return {{"repetitions", repetitions},
          {"failed_repetitions", failed},
          {"aborted", scenario.aborted},
          {"outage_per_portal", summary}};
}

std::string iscsi_table(const std::vector<IscsiScenarioResult>& scenarios) {
  std::ostringstream table;
  table << "I/O outage per portal (last good READ before the fault to first good READ after), ms\n"
        << "scenario   portals  count  min  median  p90  max\n";
  for (const auto& scenario : scenarios) {
    for (const auto* role : {"failed", "other", "moved"}) {
      Summary s = role_summary(scenario, role);
      if (s.count == 0) continue;
      table << scenario.name << std::string(11 - std::min<std::size_t>(scenario.name.size(), 10), ' ') << role
            << std::string(9 - std::string(role).size(), ' ') << s.count << "  " << s.min_ms << "  " << s.median_ms
            << "  " << s.p90_ms << "  " << s.max_ms << "\n";
    }
  }
  return table.str();
}

}  // namespace tandem::bench
