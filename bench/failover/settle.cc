#include "failover/settle.h"

#include <algorithm>
#include <thread>

#include "lab/netns.h"

namespace tandem::bench {
namespace {

using std::chrono::milliseconds;

// Why one IP is not where it belongs, or nullopt.
std::optional<std::string> misplaced(const lab::PublicIpState& ip, const std::map<IpAddress, std::string>& answers,
                                     const std::map<std::string, bool>& is_running) {
  const std::string name = ip.address.prefix.address.to_string();
  if (ip.holders.size() != 1) return name + " is on " + std::to_string(ip.holders.size()) + " interfaces";
  const lab::Holder& holder = ip.holders.front();
  if (!holder.has_carrier) return name + " is on " + holder.node + " " + holder.interface + ", which has no carrier";
  if (holder.interface != ip.address.preferred_interface) {
    return name + " is on " + holder.interface + " of " + holder.node + ", not on " + ip.address.preferred_interface;
  }
  if (auto running = is_running.find(holder.node); running == is_running.end() || !running->second) {
    return name + " is on " + holder.node + ", whose daemon is not running";
  }
  const std::string place = holder.node + " " + holder.interface;
  auto answer = answers.find(ip.address.prefix.address);
  if (answer == answers.end() || answer->second != place) {
    return name + " is on " + place + " but the prober last heard " +
           (answer == answers.end() ? std::string("nothing") : "\"" + answer->second + "\"");
  }
  return std::nullopt;
}

// Why the groups are not whole and balanced over the running nodes, or nullopt.
std::optional<std::string> unbalanced(const lab::LabStatus& status, const std::map<std::string, bool>& is_running) {
  std::map<std::string, std::string> node_of_group;
  std::map<std::string, int> groups_on;
  for (const auto& [node, running] : is_running) {
    if (running) groups_on[node] = 0;
  }
  for (const auto& ip : status.public_ips) {
    const std::string& node = ip.holders.front().node;
    auto [it, is_new] = node_of_group.try_emplace(ip.address.group, node);
    if (!is_new && it->second != node)
      return "group " + ip.address.group + " is split over " + it->second + " and " + node;
    if (is_new) ++groups_on[node];
  }
  if (groups_on.empty()) return "no daemon runs";
  auto [fewest, most] = std::minmax_element(groups_on.begin(), groups_on.end(),
                                            [](const auto& a, const auto& b) { return a.second < b.second; });
  if (most->second - fewest->second > 1) {
    return "unbalanced: " + most->first + " holds " + std::to_string(most->second) + " groups, " + fewest->first +
           " holds " + std::to_string(fewest->second);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> unsettled_reason(const lab::LabStatus& status,
                                            const std::map<IpAddress, std::string>& answers) {
  std::map<std::string, bool> is_running;
  for (const auto& node : status.nodes) is_running[node.name] = node.daemon.is_running;
  for (const auto& ip : status.public_ips) {
    if (auto reason = misplaced(ip, answers, is_running)) return reason;
  }
  return unbalanced(status, is_running);
}

Result<Settled> settle(const lab::Lab& lab, const lab::ProbeSession& session, milliseconds limit) {
  const std::int64_t start_ms = lab::monotonic_ms();
  const std::int64_t deadline_ms = start_ms + limit.count();
  std::string reason = "the prober saw changes or failures";
  while (lab::monotonic_ms() < deadline_ms) {
    if (!session.wait_until_stable(kQuiet,
                                   milliseconds(std::max<std::int64_t>(deadline_ms - lab::monotonic_ms(), 0)))) {
      break;
    }
    auto status = lab.status();
    if (!status) return fail(status.error());
    std::map<IpAddress, std::string> answers;
    for (const auto& address : session.addresses()) {
      if (auto latest = session.latest(address); latest && latest->answer) answers[address] = *latest->answer;
    }
    auto unsettled = unsettled_reason(*status, answers);
    if (!unsettled) return Settled{std::move(*status), lab::monotonic_ms() - start_ms};
    reason = *unsettled;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return fail("settle", "the lab did not settle within " + std::to_string(limit.count()) + " ms: " + reason);
}

std::string holder_node(const lab::LabStatus& status, const IpAddress& address) {
  return lab::holder_of(status, address);
}

std::vector<IpAddress> held_by(const lab::LabStatus& status, const std::string& node, const std::string& interface) {
  std::vector<IpAddress> held;
  for (const auto& ip : status.public_ips) {
    for (const auto& holder : ip.holders) {
      bool is_match = holder.node == node && (interface.empty() || holder.interface == interface);
      if (is_match && holder.has_carrier) held.push_back(ip.address.prefix.address);
    }
  }
  return held;
}

}  // namespace tandem::bench
