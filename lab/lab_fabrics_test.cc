// The lab's separate fabrics (`tandem-lab up --fabrics separate`): two public networks that
// nothing joins, the client on both, each public IP on its own interface only.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/lab_commands.h"
#include "lab/lab_plan.h"
#include "lab/lab_record.h"

namespace tandem::lab {
namespace {

LabOptions separate(std::optional<PathLossPolicy> policy = std::nullopt) {
  LabOptions options;
  options.has_separate_fabrics = true;
  options.on_path_loss = policy;
  return options;
}

LabPlan plan_of(const LabOptions& options) {
  auto plan = make_lab_plan(options);
  EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().message());
  return plan.ok() ? *plan : LabPlan{};
}

const std::string& text_of(const LabPlan& plan, const std::string& path) {
  auto found = std::find_if(plan.files.begin(), plan.files.end(), [&](const PlannedFile& f) { return f.path == path; });
  static const std::string kNone;
  EXPECT_NE(found, plan.files.end()) << path;
  return found == plan.files.end() ? kNone : found->text;
}

bool has_command_with(const std::vector<Command>& commands, std::string_view needle) {
  return std::any_of(commands.begin(), commands.end(),
                     [&](const Command& command) { return command.text().find(needle) != std::string::npos; });
}

TEST(SeparateFabrics, HaveNoInterSwitchLink) {
  const auto plan = plan_of(separate());
  EXPECT_EQ(plan.inter_switch_link, std::nullopt);
  const auto commands = setup_commands(plan);
  EXPECT_FALSE(has_command_with(commands, "isl-a")) << "the fabrics are joined";
}

TEST(SeparateFabrics, PutTheClientOnBothFabricsWithEachFabricsNetwork) {
  LabOptions options = separate();
  options.has_ipv6 = true;
  const auto plan = plan_of(options);
  EXPECT_EQ(plan.client_link, (PlannedLink{"client", "swa", "eth0", "02:00:00:ff:ff:00"}));
  EXPECT_EQ(plan.client_fabric_b_link, (PlannedLink{"clientb", "swb", "eth1", "02:00:00:ff:ff:01"}));
  EXPECT_EQ(plan.client_addresses, (std::vector{IpPrefix::parse("198.51.100.254/24").value(),
                                                IpPrefix::parse("2001:db8:100::254/64").value()}));
  EXPECT_EQ(plan.client_fabric_b_addresses, (std::vector{IpPrefix::parse("203.0.113.254/24").value(),
                                                         IpPrefix::parse("2001:db8:113::254/64").value()}));
  const auto commands = setup_commands(plan);
  EXPECT_TRUE(has_command_with(commands, "ip -n tdm-lab-sw link set clientb master swb up"));
  EXPECT_TRUE(has_command_with(commands, "ip -n tdm-lab-client addr add 203.0.113.254/24 dev eth1"));
  EXPECT_TRUE(has_command_with(commands, "ip -n tdm-lab-client addr add 198.51.100.254/24 dev eth0"));
}

TEST(SeparateFabrics, AllowEachPublicAddressOnItsOwnInterfaceOnly) {
  const auto plan = plan_of(separate());
  const auto& text = text_of(plan, plan.nodes[0].paths.public_addresses);
  EXPECT_NE(text.find("\n198.51.100.10/24 eth1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n203.0.113.10/24 eth2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("eth1,eth2"), std::string::npos) << text;
}

TEST(SeparateFabrics, WriteTheChosenPolicyInIpGroupsAndNothingWhenNoneIsChosen) {
  auto plan = plan_of(separate(PathLossPolicy::kStay));
  EXPECT_EQ(text_of(plan, plan.ip_groups_file),
            "# ip_groups of lab tdm-lab (written by tandem-lab)\n"
            "g0 198.51.100.10@eth1 203.0.113.10@eth2 on-path-loss=stay\n"
            "g1 198.51.100.11@eth1 203.0.113.11@eth2 on-path-loss=stay\n"
            "g2 198.51.100.12@eth1 203.0.113.12@eth2 on-path-loss=stay\n");
  plan = plan_of(separate());
  EXPECT_EQ(text_of(plan, plan.ip_groups_file).find("on-path-loss"), std::string::npos);
}

TEST(SeparateFabrics, SurviveTheLabRecord) {
  LabRecord record;
  record.options = separate(PathLossPolicy::kStay);
  auto read = parse_lab_record(lab_record_json(record), "lab.json");
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_TRUE(read->options.has_separate_fabrics);
  EXPECT_EQ(read->options.on_path_loss, PathLossPolicy::kStay);
}

TEST(SeparateFabrics, AreNotAssumedFromARecordWrittenBeforeThem) {
  LabRecord record;
  std::string json = lab_record_json(record);
  for (const char* key : {"  \"fabrics\": \"joined\",\n", "  \"on_path_loss\": \"\",\n"}) {
    const auto at = json.find(key);
    ASSERT_NE(at, std::string::npos) << json;
    json.erase(at, std::string_view(key).size());
  }
  auto read = parse_lab_record(json, "lab.json");
  ASSERT_TRUE(read.ok()) << read.error().message();
  EXPECT_FALSE(read->options.has_separate_fabrics);
  EXPECT_EQ(read->options.on_path_loss, std::nullopt);
}

}  // namespace
}  // namespace tandem::lab
