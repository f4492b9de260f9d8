#include "app/daemon_metrics.h"

#include <gtest/gtest.h>

namespace tandem::app {
namespace {

// The value of NAME{LABELS} in the report, or -99 when it has no such sample.
double value_of(const ctl::MetricsReport& report, std::string_view name,
                std::vector<std::pair<std::string, std::string>> labels = {}) {
  for (const auto& metric : report.metrics) {
    if (metric.name != name) continue;
    for (const auto& sample : metric.samples) {
      if (sample.labels == labels) return sample.value;
    }
  }
  return -99;
}

TEST(BuildMetrics, ShowsEveryHookEventAndRefusalCauseEvenBeforeTheFirst) {
  const auto report = build_metrics(MetricsInput{});
  EXPECT_EQ(value_of(report, "tandem_hook_runs_total", {{"event", "releasegroup"}}), 0);
  EXPECT_EQ(value_of(report, "tandem_refused_frames_total", {{"cause", "replayed"}}), 0);
  EXPECT_EQ(value_of(report, "tandem_leader"), -1);
}

TEST(BuildMetrics, CarriesCountersAndGaugesOfThisNode) {
  MetricsInput input;
  input.statistics.takeover_runs_failed = 2;
  input.statistics.takeover_run_time = milliseconds(1500);
  input.statistics.hooks["monitor"] = node::HookTally{4, 1};
  input.mesh.refused["bad_tag"] = 3;
  input.leader = NodeId(2);
  input.epoch = 9;
  input.flags = NodeFlags().with(NodeFlags::kBanned);
  input.links[InterfaceName("eth1")] = LinkState::kDown;
  input.held.push_back(proto::HeldAddress{IpPrefix::parse("203.0.113.10/24").value(), InterfaceName("eth2")});
  const auto report = build_metrics(input);
  EXPECT_EQ(value_of(report, "tandem_takeover_runs_total", {{"outcome", "failed"}}), 2);
  EXPECT_EQ(value_of(report, "tandem_takeover_run_seconds_total"), 1.5);
  EXPECT_EQ(value_of(report, "tandem_hook_failures_total", {{"event", "monitor"}}), 1);
  EXPECT_EQ(value_of(report, "tandem_refused_frames_total", {{"cause", "bad_tag"}}), 3);
  EXPECT_EQ(value_of(report, "tandem_leader"), 2);
  EXPECT_EQ(value_of(report, "tandem_epoch"), 9);
  EXPECT_EQ(value_of(report, "tandem_node_flag", {{"flag", "BANNED"}}), 1);
  EXPECT_EQ(value_of(report, "tandem_node_flag", {{"flag", "DISABLED"}}), 0);
  EXPECT_EQ(value_of(report, "tandem_interface_up", {{"interface", "eth1"}}), 0);
  EXPECT_EQ(value_of(report, "tandem_public_ip_held", {{"address", "203.0.113.10"}, {"interface", "eth2"}}), 1);
}

}  // namespace
}  // namespace tandem::app
