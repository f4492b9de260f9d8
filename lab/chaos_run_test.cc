#include "lab/chaos_run.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace tandem::lab {
namespace {

TEST(SplitOwners, AGroupAnsweredByOneNodeOrNotAtAllIsNoSplit) {
  EXPECT_FALSE(split_owners({{"n1"}, {"n1"}}));
  EXPECT_FALSE(split_owners({{"n1"}, {}}));
  EXPECT_FALSE(split_owners({{}, {}}));
}

TEST(SplitOwners, AGroupWhoseIpsAnswerFromTwoNodesInOneRoundIsSplit) {
  EXPECT_EQ(split_owners({{"n0"}, {"n2"}}), (std::set<std::string>{"n0", "n2"}));
  EXPECT_EQ(split_owners({{"n0", "n1"}, {}}), (std::set<std::string>{"n0", "n1"}));
}

ChaosFaultRecord nic_record(FaultKind kind, int node, int interface, std::int64_t at_ms, const std::string& text) {
  Fault fault;
  fault.kind = kind;
  fault.node = node;
  fault.interface = interface;
  fault.at_ms = at_ms;
  return {fault, at_ms + 5, text, ""};
}

ChaosReport clean_report() {
  ChaosReport report;
  report.seed = 9;
  report.duration_ms = 10000;
  report.convergence_ms = 120;
  report.convergence_limit_ms = 5000;
  report.faults.push_back(nic_record(FaultKind::kNicDown, 0, 1, 500, "nic-down n0 eth1"));
  report.faults.push_back(nic_record(FaultKind::kNicUp, 0, 1, 900, "nic-up n0 eth1"));
  report.faults.push_back(nic_record(FaultKind::kNicDown, 1, 2, 1500, "nic-down n1 eth2"));
  return report;
}

TEST(ChaosReport, IsCleanOnlyWithoutViolationsFailedFaultsAndWithConvergence) {
  EXPECT_TRUE(clean_report().is_clean());
  ChaosReport unconverged = clean_report();
  unconverged.convergence_ms.reset();
  EXPECT_FALSE(unconverged.is_clean());
  ChaosReport split = clean_report();
  split.splits.push_back({"g0", 12, 3000, {"n0", "n1"}});
  EXPECT_FALSE(split.is_clean());
  ChaosReport failed = clean_report();
  failed.faults.back().error = "n1: its tandemd is not running";
  EXPECT_FALSE(failed.is_clean());
}

TEST(ChaosReport, JsonCountsFaultsByKindAndKeepsEveryFault) {
  auto json = nlohmann::json::parse(chaos_report_json(clean_report()));
  EXPECT_EQ(json["seed"], 9);
  EXPECT_EQ(json["faults_by_kind"]["nic-down"], 2);
  EXPECT_EQ(json["faults_by_kind"]["nic-up"], 1);
  EXPECT_EQ(json["faults"].size(), 3u);
  EXPECT_EQ(json["faults"][2]["text"], "nic-down n1 eth2");
  EXPECT_EQ(json["convergence_ms"], 120);
  EXPECT_EQ(json["is_clean"], true);
}

TEST(ChaosReport, SummaryNamesTheConvergenceOrWhyThereWasNone) {
  EXPECT_NE(chaos_summary_text(clean_report()).find("convergence after the final heal: 120 ms"), std::string::npos);
  ChaosReport unconverged = clean_report();
  unconverged.convergence_ms.reset();
  unconverged.unconverged = "g1: 198.51.100.11 !timeout";
  const std::string text = chaos_summary_text(unconverged);
  EXPECT_NE(text.find("none within 5000 ms (g1: 198.51.100.11 !timeout)"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL"), std::string::npos);
}

}  // namespace
}  // namespace tandem::lab
