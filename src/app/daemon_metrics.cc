#include "app/daemon_metrics.h"

#include <array>
#include <chrono>

#include "model/hook_event.h"

namespace tandem::app {

namespace {

using ctl::Metric;
using ctl::MetricSample;

Metric counter(std::string name, std::string help, double value) {
  return Metric{std::move(name), std::move(help), Metric::Type::kCounter, {MetricSample{{}, value}}};
}

Metric gauge(std::string name, std::string help, double value) {
  return Metric{std::move(name), std::move(help), Metric::Type::kGauge, {MetricSample{{}, value}}};
}

double seconds(std::chrono::nanoseconds duration) { return std::chrono::duration<double>(duration).count(); }

constexpr std::array<HookEvent, 9> kHookEvents{
    HookEvent::kStartup,      HookEvent::kMonitor,       HookEvent::kTakeIp,
    HookEvent::kReleaseIp,    HookEvent::kUpdateIp,      HookEvent::kTakeGroup,
    HookEvent::kReleaseGroup, HookEvent::kIpReallocated, HookEvent::kNotify};

// Every hook event, so a dashboard sees a zero before the first run.
std::vector<Metric> hook_metrics(const node::Statistics& statistics) {
  Metric runs{"tandem_hook_runs_total",
              "Hook events run (each runs every script of the event), by event.",
              Metric::Type::kCounter,
              {}};
  Metric failures{"tandem_hook_failures_total",
                  "Hook events that failed (a script exited non-zero or timed out).",
                  Metric::Type::kCounter,
                  {}};
  for (HookEvent event : kHookEvents) {
    const std::string name(hook_event_name(event));
    const auto found = statistics.hooks.find(name);
    const node::HookTally tally = found == statistics.hooks.end() ? node::HookTally{} : found->second;
    runs.samples.push_back(MetricSample{{{"event", name}}, static_cast<double>(tally.runs)});
    failures.samples.push_back(MetricSample{{{"event", name}}, static_cast<double>(tally.failures)});
  }
  return {runs, failures};
}

std::vector<Metric> mesh_metrics(const sys::MeshCounters& mesh) {
  Metric connects{"tandem_peer_connects_total",
                  "Peer connections whose handshake completed, by direction.",
                  Metric::Type::kCounter,
                  {MetricSample{{{"direction", "outgoing"}}, static_cast<double>(mesh.connects)},
                   MetricSample{{{"direction", "incoming"}}, static_cast<double>(mesh.accepts)}}};
  Metric refused{"tandem_refused_frames_total",
                 "Incoming peer connections dropped for a bad hello or frame, and frames skipped, by cause.",
                 Metric::Type::kCounter,
                 {}};
  std::map<std::string, std::uint64_t> causes{{"bad_hello", 0},         {"unknown_peer", 0}, {"bad_tag", 0},
                                              {"replayed", 0},          {"misrouted", 0},    {"malformed", 0},
                                              {"handshake_timeout", 0}, {"unknown_type", 0}};
  for (const auto& [cause, count] : mesh.refused) causes[cause] = count;
  for (const auto& [cause, count] : causes) {
    refused.samples.push_back(MetricSample{{{"cause", cause}}, static_cast<double>(count)});
  }
  return {connects, refused};
}

std::vector<Metric> state_gauges(const MetricsInput& input) {
  std::vector<Metric> gauges;
  gauges.push_back(gauge("tandem_node", "This node's number (PNN).", input.self.value()));
  gauges.push_back(gauge("tandem_start_time_seconds", "When the daemon started, in seconds since the Unix epoch.",
                         input.start_time_seconds));
  gauges.push_back(gauge("tandem_leader", "The leader this node follows (its PNN), or -1 when none.",
                         input.leader ? static_cast<double>(input.leader->value()) : -1.0));
  gauges.push_back(gauge("tandem_is_leader", "1 when this node is the leader.", input.is_leader ? 1 : 0));
  gauges.push_back(gauge("tandem_epoch", "The highest epoch this node has seen.", static_cast<double>(input.epoch)));
  gauges.push_back(
      gauge("tandem_has_lease", "1 while this node holds a lease from the leader.", input.has_lease ? 1 : 0));
  Metric flags{"tandem_node_flag", "This node's flags, 1 when set (CTDB's names).", Metric::Type::kGauge, {}};
  for (const auto& named : kNodeFlagNames) {
    flags.samples.push_back(MetricSample{{{"flag", std::string(named.name)}}, input.flags.has(named.flag) ? 1.0 : 0.0});
  }
  gauges.push_back(std::move(flags));
  Metric links{
      "tandem_interface_up", "Link state of each public interface of this node, 1 when up.", Metric::Type::kGauge, {}};
  for (const auto& [interface, state] : input.links) {
    links.samples.push_back(MetricSample{{{"interface", interface.value()}}, state == LinkState::kUp ? 1.0 : 0.0});
  }
  gauges.push_back(std::move(links));
  Metric held{"tandem_public_ip_held",
              "The public IPs this node holds, 1 each, with the interface holding it.",
              Metric::Type::kGauge,
              {}};
  for (const auto& entry : input.held) {
    held.samples.push_back(
        MetricSample{{{"address", entry.prefix.address.to_string()}, {"interface", entry.interface.value()}}, 1});
  }
  gauges.push_back(std::move(held));
  return gauges;
}

}  // namespace

ctl::MetricsReport build_metrics(const MetricsInput& input) {
  const node::Statistics& s = input.statistics;
  ctl::MetricsReport report;
  auto& m = report.metrics;
  m.push_back(Metric{"tandem_takeover_runs_total",
                     "Takeover runs this node led as leader, by outcome.",
                     Metric::Type::kCounter,
                     {MetricSample{{{"outcome", "done"}}, static_cast<double>(s.takeover_runs_done)},
                      MetricSample{{{"outcome", "failed"}}, static_cast<double>(s.takeover_runs_failed)}}});
  // {name, help}, value; in the order printed.
  const std::array<std::pair<std::array<const char*, 2>, double>, 14> totals{{
      {{"tandem_takeover_run_seconds_total", "Time spent in those takeover runs, summed."},
       seconds(s.takeover_run_time)},
      {{"tandem_takeover_moves_total", "Public IPs moved by those takeover runs."},
       static_cast<double>(s.takeover_moves)},
      {{"tandem_local_failovers_total", "Link changes that moved public IPs between this node's interfaces."},
       static_cast<double>(s.local_failovers)},
      {{"tandem_local_failover_moves_total", "Public IPs moved by those local failovers."},
       static_cast<double>(s.local_failover_moves)},
      {{"tandem_takes_total", "Public IPs added to this node's interfaces."}, static_cast<double>(s.addresses_taken)},
      {{"tandem_releases_total", "Public IPs removed from this node's interfaces."},
       static_cast<double>(s.addresses_released)},
      {{"tandem_address_failures_total", "Adds and removes of public IPs the kernel refused."},
       static_cast<double>(s.address_failures)},
      {{"tandem_addresses_restored_total", "Public IPs this node held that something else removed, added again."},
       static_cast<double>(s.addresses_restored)},
      {{"tandem_foreign_addresses_removed_total",
        "Public IPs that appeared on this node without it holding them, removed."},
       static_cast<double>(s.foreign_addresses_removed)},
      {{"tandem_lease_lapses_total", "Times this node's lease from the leader ran out."},
       static_cast<double>(s.lease_lapses)},
      {{"tandem_elections_won_total", "Times this node became leader."}, static_cast<double>(s.elections_won)},
      {{"tandem_leader_changes_total", "Times this node began following another leader."},
       static_cast<double>(s.leader_changes)},
      {{"tandem_bans_total", "Times this node was banned."}, static_cast<double>(s.times_banned)},
      {{"tandem_admin_commands_total", "Administrator's commands received on this node's control socket."},
       static_cast<double>(s.admin_commands)},
  }};
  for (const auto& [words, value] : totals) m.push_back(counter(words[0], words[1], value));
  for (auto& metric : hook_metrics(s)) m.push_back(std::move(metric));
  for (auto& metric : mesh_metrics(input.mesh)) m.push_back(std::move(metric));
  for (auto& metric : state_gauges(input)) m.push_back(std::move(metric));
  return report;
}

}  // namespace tandem::app
