#include "failover/leader.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>
#include <thread>

#include "failover/daemon_log.h"
#include "lab/command_runner.h"
#include "lab/netns.h"

namespace tandem::bench {
namespace {

using std::chrono::milliseconds;

std::optional<std::string> leader_from_tool(const lab::Lab& lab, const std::string& tandem_program) {
  for (const auto& node : lab.plan().nodes) {
    if (!lab.is_daemon_running(node)) continue;
    lab::Command command{{tandem_program, "--socket", node.paths.socket, "--json", "--timeout", "2000", "leader"}};
    auto output = lab::run_command(command, milliseconds(5000));
    if (!output || output->exit_code != 0) continue;
    auto pnn = parse_leader_json(output->out);
    if (pnn && *pnn < lab.plan().nodes.size()) return lab.plan().nodes[*pnn].name;
  }
  return std::nullopt;
}

std::optional<std::string> leader_from_logs(const lab::Lab& lab) {
  std::optional<std::uint64_t> best_epoch;
  std::string best;
  for (const auto& node : lab.plan().nodes) {
    if (!lab.is_daemon_running(node)) continue;
    std::ifstream file(node.paths.log);
    std::stringstream text;
    text << file.rdbuf();
    auto epoch = last_leader_epoch(text.str());
    if (epoch && (!best_epoch || *epoch > *best_epoch)) {
      best_epoch = epoch;
      best = node.name;
    }
  }
  if (best.empty()) return std::nullopt;
  return best;
}

}  // namespace

std::optional<std::uint64_t> parse_leader_json(std::string_view text) {
  auto json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  auto leader = json.find("leader");
  if (leader == json.end() || !leader->is_number_unsigned()) return std::nullopt;
  return leader->get<std::uint64_t>();
}

Result<LeaderAnswer> find_leader(const lab::Lab& lab, const std::string& tandem_program, milliseconds limit) {
  const std::int64_t deadline_ms = lab::monotonic_ms() + limit.count();
  do {
    if (!tandem_program.empty()) {
      if (auto node = leader_from_tool(lab, tandem_program)) return LeaderAnswer{*node, "cli"};
    }
    if (auto node = leader_from_logs(lab)) return LeaderAnswer{*node, "log"};
    std::this_thread::sleep_for(milliseconds(200));
  } while (lab::monotonic_ms() < deadline_ms);
  return fail("leader", "neither `tandem --json leader` nor the daemons' logs name a leader");
}

}  // namespace tandem::bench
