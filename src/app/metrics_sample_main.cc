// metrics_sample: prints the daemon's metrics for a sample node in Prometheus's text format,
// for app_metrics_prometheus_parse to read with Prometheus's own parser. The values come
// from the real counters (node/counters.h) fed with a made-up takeover run, failover and
// hooks, and go through the same build_metrics() and prometheus_text() as the daemon's.
#include <cstdio>

#include "app/daemon_metrics.h"

int main() {
  using namespace tandem;
  const auto prefix = [](const char* text) { return IpPrefix::parse(text).value(); };
  node::Counters counters;
  counters.observe(cluster::Tick{}, {cluster::AddAddress{prefix("203.0.113.10/24"), InterfaceName("eth1")},
                                     cluster::RunHook{1, HookEvent::kTakeIp, {}}});
  counters.observe(cluster::HookFinished{1, false}, {});
  counters.observe(node::MachineGlance{std::nullopt, false, NodeFlags(), false},
                   node::MachineGlance{NodeId(0), true, NodeFlags(), true});
  counters.count(node::MoveRecord{node::MoveRecord::Kind::kTakeoverRun,
                                  1,
                                  kTimeZero,
                                  kTimeZero + milliseconds(250),
                                  "a timer",
                                  true,
                                  {node::Move{}}});
  sys::MeshCounters mesh{3, 2, {{"bad_tag", 1}}};
  app::MetricsInput input{.self = NodeId(0),
                          .statistics = counters.statistics(),
                          .mesh = mesh,
                          .leader = NodeId(0),
                          .is_leader = true,
                          .epoch = 7,
                          .has_lease = true,
                          .flags = NodeFlags().with(NodeFlags::kDisabled),
                          .links = {{InterfaceName("eth1"), LinkState::kUp}, {InterfaceName("eth2"), LinkState::kDown}},
                          .held = {proto::HeldAddress{prefix("203.0.113.10/24"), InterfaceName("eth1")},
                                   proto::HeldAddress{prefix("2001:db8::10/64"), InterfaceName("eth1")}},
                          .start_time_seconds = 1796526000.25};
  const std::string text = ctl::prometheus_text(app::build_metrics(input));
  std::fwrite(text.data(), 1, text.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
