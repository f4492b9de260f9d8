#include "ctl/history_views.h"

#include <gtest/gtest.h>

namespace tandem::ctl {
namespace {

TEST(HistoryText, ShowsEachRunWithItsMovesAndEachHooksLastRun) {
  const auto result = nlohmann::json::parse(R"({
    "runs": [{"time": "2026-12-06T03:01:02.120Z", "kind": "takeover_run", "run": 5, "cause": "a timer",
              "ok": true, "duration_ms": 250,
              "moves": [{"address": "203.0.113.10/24", "group": "g1", "from": {"node": 1, "interface": "eth1"},
                         "to": {"node": 2, "interface": "eth2"}, "why": "node 1 is disconnected"}]},
             {"time": "2026-12-06T03:04:00.010Z", "kind": "local_failover", "cause": "interface eth1 down",
              "ok": true, "duration_ms": 0,
              "moves": [{"address": "198.51.100.7/24", "group": null, "from": {"node": 0, "interface": "eth1"},
                         "to": null, "why": "interface eth1 is down"}]}],
    "hooks": [{"time": "2026-12-06T03:01:02.300Z", "event": "takeip", "script": "10.interface",
               "status": "exited with status 1", "exit_code": 1, "ok": false, "timed_out": false,
               "duration_ms": 12, "last_lines": ["no such device"]}]})");
  auto text = history_text(result);
  ASSERT_TRUE(text.ok()) << text.error().message();
  EXPECT_EQ(*text,
            "2026-12-06T03:01:02.120Z takeover run 5: done in 250 ms, started by a timer\n"
            "  203.0.113.10/24 (group g1) from node 1 eth1 to node 2 eth2: node 1 is disconnected\n"
            "2026-12-06T03:04:00.010Z local failover: done in 0 ms, started by interface eth1 down\n"
            "  198.51.100.7/24 from node 0 eth1 to nowhere: interface eth1 is down\n"
            "Last run of each hook:\n"
            "2026-12-06T03:01:02.300Z takeip 10.interface: exited with status 1 in 12 ms\n"
            "  | no such device\n");
}

TEST(HistoryText, SaysWhenNothingHappened) {
  auto text = history_text(nlohmann::json::parse(R"({"runs": [], "hooks": []})"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "No takeover run or local failover since the daemon started.\nNo hook has run.\n");
}

TEST(HistoryText, NamesThePlaceOfAMissingKey) {
  auto text = history_text(nlohmann::json::parse(R"({"runs": [{"time": "t"}], "hooks": []})"));
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.error().place, "result.runs[0]");
}

}  // namespace
}  // namespace tandem::ctl
