#include "lab/demo.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kQuiet{2000};  // nothing moved for this long: settled
constexpr milliseconds kSettleLimit{30000};
constexpr milliseconds kFailoverLimit{30000};

std::string duration_text(std::int64_t ms) {
  if (ms < 1000) return std::to_string(ms) + " ms";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", static_cast<double>(ms) / 1000.0);
  return text;
}

Result<Lab> open_or_build(const DemoOptions& options, std::ostream& out) {
  auto existing = Lab::open(options.up.lab.prefix, options.up.lab.state_root);
  if (existing) {
    if (!existing->record().has_daemons) {
      return fail("demo", "lab " + options.up.lab.prefix + " is up without daemons; take it down first");
    }
    out << "Using the lab that is already up (" << options.up.lab.prefix << ").\n";
    return existing;
  }
  out << "Building the lab: network namespaces for 3 nodes, two switches and a client...\n";
  return Lab::up(options.up);
}

// The addresses `node` holds on `interface` (any interface when empty), from the kernel.
std::vector<PublicIpState> held_by(const LabStatus& status, const std::string& node, const std::string& interface) {
  std::vector<PublicIpState> held;
  for (const auto& ip : status.public_ips) {
    for (const auto& holder : ip.holders) {
      bool is_match = holder.node == node && (interface.empty() || holder.interface == interface);
      if (is_match && holder.has_carrier) held.push_back(ip);
    }
  }
  return held;
}

void print_placement(const LabStatus& status, std::ostream& out) {
  for (const auto& ip : status.public_ips) {
    std::string address = ip.address.prefix.address.to_string();
    address.resize(std::max<std::size_t>(address.size(), 16), ' ');
    out << "    " << ip.address.group << "  " << address << "on ";
    if (ip.holders.empty()) out << "no node";
    for (std::size_t i = 0; i < ip.holders.size(); ++i) {
      out << (i > 0 ? " AND " : "") << ip.holders[i].node << " " << ip.holders[i].interface;
    }
    out << "\n";
  }
}

Result<LabStatus> settled_status(const Lab& lab, const ProbeSession& session) {
  if (!session.wait_until_stable(kQuiet, kSettleLimit)) {
    return fail("demo", "the cluster did not settle within " + std::to_string(kSettleLimit.count() / 1000) + " s");
  }
  return lab.status();
}

// Waits for every one of `ips` to answer in a way `accept` takes, and says how long it took.
Result<void> report_failovers(const FailoverClock& clock, const std::vector<PublicIpState>& ips,
                              const AnswerFilter& accept, const ProbeSession& session, std::ostream& out) {
  for (const auto& ip : ips) {
    auto failover = clock.wait(ip.address.prefix.address, kFailoverLimit, accept);
    if (!failover) return fail(failover.error());
    int failed = session.failures_between(failover->address, clock.fault_ms(), failover->attempt_start_ms);
    out << "    " << failover->address.to_string() << " (" << ip.address.group << ") answers from " << failover->answer
        << " after " << duration_text(failover->duration().count()) << "; " << failed << " connection attempt"
        << (failed == 1 ? "" : "s") << " failed meanwhile\n";
  }
  return success();
}

Result<void> nic_failure(const Lab& lab, const ProbeSession& session, std::ostream& out) {
  auto status = settled_status(lab, session);
  if (!status) return fail(status.error());
  std::string node = holder_of(*status, lab.plan().groups.front().addresses.front().prefix.address);
  if (node.empty()) node = "n0";
  auto affected = held_by(*status, node, "eth1");
  out << "\n1. NIC failure: the cable of " << node << " eth1 is pulled (its switch port goes down).\n";
  FailoverClock clock(session);
  if (auto down = lab.nic_down(node, "eth1"); !down) return down;
  clock.mark_fault();
  if (affected.empty()) out << "    " << node << " eth1 held no public IP: nothing to move.\n";
  std::string old_place = node + " eth1";
  auto moved = report_failovers(
      clock, affected, [&](const std::string& answer) { return answer != old_place; }, session, out);
  if (!moved) return moved;
  out << "    The group stayed on " << node << ": only the IPs of the failed NIC moved, to its other NIC.\n";

  out << "\n2. The cable is plugged back in.\n";
  if (auto up = lab.nic_up(node, "eth1"); !up) return up;
  clock.mark_fault();
  auto returned = report_failovers(
      clock, affected, [&](const std::string& answer) { return answer == old_place; }, session, out);
  if (!returned) return returned;
  out << "    Each IP went back to the NIC it prefers.\n";
  return success();
}

Result<void> node_crash(const Lab& lab, const ProbeSession& session, std::ostream& out) {
  auto status = settled_status(lab, session);
  if (!status) return fail(status.error());
  const auto& g0 = lab.plan().groups.front();
  std::string node = holder_of(*status, g0.addresses.front().prefix.address);
  if (node.empty()) return fail("demo", g0.name + " is not hosted anywhere");
  auto affected = held_by(*status, node, "");
  out << "\n3. Node failure: " << node << ", which holds " << g0.name << ", loses power"
      << " (all its links go down, its daemon dies).\n";
  FailoverClock clock(session);
  if (auto crashed = lab.crash(node); !crashed) return crashed;
  clock.mark_fault();
  auto moved = report_failovers(clock, affected, answer_not_from(node), session, out);
  if (!moved) return moved;
  out << "    The other nodes waited out " << node
      << "'s lease before taking its groups: an IP is never on two nodes.\n";

  out << "\n4. " << node << " boots again and rejoins the cluster.\n";
  if (auto restarted = lab.restart(node); !restarted) return restarted;
  auto after = settled_status(lab, session);
  if (!after) return fail(after.error());
  out << "    Settled. Where the IPs are now:\n";
  print_placement(*after, out);
  return success();
}

}  // namespace

Result<void> run_demo(const DemoOptions& options, std::ostream& out) {
  out << "Tandem demo: 3 nodes, each with two public NICs (eth1 on switch A, eth2 on switch B,\n"
         "the switches joined), and 3 IP groups of two IPs each (one per network, like an\n"
         "iSCSI target's two portals). A group always lives whole on one node.\n\n";
  auto lab = open_or_build(options, out);
  if (!lab) return fail(lab.error());
  auto session = lab->probe();
  if (!session) return fail(session.error());
  out << "A prober on the client connects to every public IP every 10 ms and notes which node\n"
         "and NIC answer; failover times below are what that client saw.\n";
  auto status = settled_status(*lab, **session);
  if (!status) return fail(status.error());
  out << "\nWhere the IPs are:\n";
  print_placement(*status, out);
  auto result = nic_failure(*lab, **session, out);
  if (result) result = node_crash(*lab, **session, out);
  session->reset();
  if (options.keep) {
    out << "\nThe lab stays up: `tandem-lab --prefix " << options.up.lab.prefix
        << " status`, and `... down` to remove it.\n";
  } else {
    out << "\nTaking the lab down.\n";
    auto gone = Lab::down(options.up.lab.prefix, options.up.lab.state_root);
    if (result && !gone) result = gone;
  }
  return result;
}

}  // namespace tandem::lab
