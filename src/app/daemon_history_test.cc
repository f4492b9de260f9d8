#include "app/daemon_history.h"

#include <gtest/gtest.h>

namespace tandem::app {
namespace {

WallTime at_seconds(int seconds) { return WallTime{} + std::chrono::seconds(1796526000 + seconds); }

node::MoveRecord run(std::uint64_t id) {
  node::MoveRecord record{
      node::MoveRecord::Kind::kTakeoverRun, id, kTimeZero, kTimeZero + milliseconds(40), "a timer", true, {}};
  record.moves.push_back(node::Move{IpPrefix::parse("203.0.113.10/24").value(), GroupName("g1"), std::nullopt,
                                    node::AddressPlace{NodeId(2), InterfaceName("eth2")}, "it was not hosted"});
  return record;
}

sys::HookOutcome hook(HookEvent event, std::string script, int exit_code) {
  return sys::HookOutcome{event, std::move(script), sys::ExitStatus{sys::ExitStatus::Kind::kExited, exit_code},
                          false, milliseconds(12),  {"last words"}};
}

TEST(UtcText, WritesIsoTimeWithMilliseconds) {
  EXPECT_EQ(utc_text(WallTime{} + std::chrono::milliseconds(1796526000123)), "2026-12-06T03:00:00.123Z");
}

TEST(DaemonHistory, ShowsARunWithItsMovesTimeAndDuration) {
  DaemonHistory history;
  history.add(at_seconds(0), run(5));
  const auto json = history.to_json(std::nullopt);
  ASSERT_EQ(json["runs"].size(), 1u);
  const auto& entry = json["runs"][0];
  EXPECT_EQ(entry["time"], "2026-12-06T03:00:00.000Z");
  EXPECT_EQ(entry["kind"], "takeover_run");
  EXPECT_EQ(entry["run"], 5);
  EXPECT_EQ(entry["duration_ms"], 40);
  EXPECT_EQ(entry["moves"][0]["from"], nullptr);
  EXPECT_EQ(entry["moves"][0]["to"]["interface"], "eth2");
  EXPECT_EQ(entry["moves"][0]["group"], "g1");
}

TEST(DaemonHistory, KeepsOnlyTheLastRunsAndShowsTheLastN) {
  DaemonHistory history;
  for (std::uint64_t id = 1; id <= kRunsKept + 10; ++id) history.add(at_seconds(static_cast<int>(id)), run(id));
  EXPECT_EQ(history.runs_kept(), kRunsKept);
  const auto json = history.to_json(3);
  ASSERT_EQ(json["runs"].size(), 3u);
  EXPECT_EQ(json["runs"][0]["run"], kRunsKept + 8);
  EXPECT_EQ(json["runs"][2]["run"], kRunsKept + 10);
}

TEST(DaemonHistory, KeepsTheLastRunOfEachHookScriptPerEvent) {
  DaemonHistory history;
  history.add(at_seconds(1), hook(HookEvent::kTakeIp, "10.interface", 0));
  history.add(at_seconds(2), hook(HookEvent::kMonitor, "10.interface", 0));
  history.add(at_seconds(3), hook(HookEvent::kTakeIp, "10.interface", 3));
  const auto hooks = history.to_json(std::nullopt)["hooks"];
  ASSERT_EQ(hooks.size(), 2u);
  EXPECT_EQ(hooks[0]["event"], "monitor");
  EXPECT_EQ(hooks[1]["event"], "takeip");
  EXPECT_EQ(hooks[1]["exit_code"], 3);
  EXPECT_EQ(hooks[1]["status"], "exited with status 3");
  EXPECT_EQ(hooks[1]["last_lines"][0], "last words");
}

TEST(DaemonHistory, DropsTheOldestHookWhenTooManyScriptsRan) {
  DaemonHistory history;
  for (std::size_t i = 0; i <= kHooksKept; ++i) {
    history.add(at_seconds(static_cast<int>(i)), hook(HookEvent::kMonitor, std::to_string(10 + i) + ".x", 0));
  }
  EXPECT_EQ(history.hooks_kept(), kHooksKept);
  EXPECT_EQ(history.to_json(std::nullopt)["hooks"][0]["script"], "11.x");
}

}  // namespace
}  // namespace tandem::app
