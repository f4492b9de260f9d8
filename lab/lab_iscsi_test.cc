#include "lab/lab_iscsi.h"

#include <gtest/gtest.h>

#include <set>

#include "lab/lab_record.h"

namespace tandem::lab {
namespace {

LabPlan iscsi_lab(const std::string& prefix = "tdm-lab") {
  LabOptions options;
  options.prefix = prefix;
  options.has_iscsi = true;
  auto plan = make_lab_plan(options);
  EXPECT_TRUE(plan) << plan.error().message();
  return *plan;
}

// The text of `config` without its comment and node_label lines: what must be the same on every node.
std::string shared_part(const std::string& config) {
  std::string kept;
  std::size_t start = 0;
  while (start < config.size()) {
    std::size_t end = config.find('\n', start);
    std::string line = config.substr(start, end - start);
    if (!line.starts_with("#") && !line.starts_with("node_label") && !line.starts_with("control_port"))
      kept += line + "\n";
    start = end == std::string::npos ? config.size() : end + 1;
  }
  return kept;
}

TEST(LabIscsi, GivesEveryGroupATargetWhosePortalsAreTheGroupsAddresses) {
  LabPlan plan = iscsi_lab();
  IscsiPlan iscsi = plan_iscsi(plan);
  ASSERT_EQ(iscsi.targets.size(), plan.groups.size());
  EXPECT_EQ(iscsi.targets[1].iqn, "iqn.2026-12.org.example.tandem-lab:g1");
  EXPECT_EQ(iscsi.targets[1].tid, 2);
  EXPECT_EQ(iscsi.targets[1].backing_file, "/run/tdm-lab/shared/iscsi/g1.img");
  EXPECT_EQ(iscsi.targets[1].portals, (std::vector<IpAddress>{plan.groups[1].addresses[0].prefix.address,
                                                              plan.groups[1].addresses[1].prefix.address}));
}

TEST(LabIscsi, WritesTheSameTargetsOnEveryNodeAndOnlyTheLabelAndControlPortDiffer) {
  LabPlan plan = iscsi_lab();
  IscsiPlan iscsi = plan_iscsi(plan);
  std::string n0 = iscsi_config_text(plan, iscsi, iscsi.nodes[0]);
  std::string n1 = iscsi_config_text(plan, iscsi, iscsi.nodes[1]);
  EXPECT_NE(n0.find("node_label = n0\n"), std::string::npos);
  EXPECT_NE(n0.find("target g0 1 iqn.2026-12.org.example.tandem-lab:g0 /run/tdm-lab/shared/iscsi/g0.img TDMLABg0 "
                    "tandem-lab-g0\n"),
            std::string::npos);
  EXPECT_EQ(shared_part(n0), shared_part(n1));
}

TEST(LabIscsi, GivesEachNodesTgtdItsOwnControlPortWithinTgtdsRange) {
  std::set<int> ports;
  for (const auto& prefix : {"tdm-lab", "tdm-it1-1", "a"}) {
    for (int i = 0; i < kNodeCountMax; ++i) {
      int port = tgtd_control_port(prefix, i);
      EXPECT_GE(port, kControlPortFirst);
      EXPECT_LE(port, 32767);
      if (std::string(prefix) == "tdm-lab") ports.insert(port);
    }
  }
  EXPECT_EQ(ports.size(), static_cast<std::size_t>(kNodeCountMax));
}

TEST(LabIscsi, StartsTgtdInTheNodesNamespaceListeningOnLoopbackOnly) {
  LabPlan plan = iscsi_lab();
  IscsiNode node = plan_iscsi(plan).nodes[2];
  EXPECT_EQ(node.tgtd.text(), "ip netns exec tdm-lab-n2 tgtd -f -C " + std::to_string(node.control_port) +
                                  " -p /run/tdm-lab/n2/tgtd.pid --iscsi portal=127.0.0.1:3260");
  EXPECT_EQ(node.hook, "/run/tdm-lab/n2/events.d/60.iscsi-tgt");
}

TEST(LabIscsi, SurvivesTheLabRecord) {
  LabRecord record{iscsi_lab().options, true, "/usr/sbin/tandemd", "/usr/bin/tandem-lab", "/x/60.iscsi-tgt"};
  auto parsed = parse_lab_record(lab_record_json(record), "lab.json");
  ASSERT_TRUE(parsed) << parsed.error().message();
  EXPECT_EQ(*parsed, record);
}

}  // namespace
}  // namespace tandem::lab
