#include "config/host_settings_record.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

Result<HostSettingsRecord> parse(std::string_view text) { return parse_host_settings_record(text, "host_settings"); }

const HostSettingsRecord kRecord{"6f0d2c9e-1111-2222-3333-444455556666",
                                 {{"net/ipv4/conf/eth1/arp_ignore", 0, 1}, {"net/ipv4/conf/eth1/rp_filter", 1, 2}}};

TEST(HostSettingsRecord, ReadsBackWhatItWrote) {
  auto read = parse(record_text(kRecord));
  ASSERT_TRUE(succeeds(read));
  EXPECT_EQ(*read, kRecord);
}

TEST(HostSettingsRecord, RejectsAPathThatIsNotAHostSetting) {
  EXPECT_TRUE(fails_at(parse("boot_id x\nkernel/core_pattern 0 1\n"), "host_settings:2",
                       "'kernel/core_pattern' is not a host setting tandemd changes"));
  EXPECT_TRUE(
      fails_at(parse("boot_id x\nnet/ipv4/conf/all/rp_filter 0 1\n"), "host_settings:2", "is not a host setting"));
}

TEST(HostSettingsRecord, RejectsALineThatIsNotPathOriginalApplied) {
  EXPECT_TRUE(fails_at(parse("boot_id x\n\nnet/ipv4/conf/eth1/arp_ignore 0\n"), "host_settings:3",
                       "expected PATH ORIGINAL APPLIED"));
  EXPECT_TRUE(fails_at(parse("boot_id x\nnet/ipv4/conf/eth1/arp_ignore zero 1\n"), "host_settings:2",
                       "the values must be whole numbers"));
}

TEST(HostSettingsRecord, RejectsAPathRecordedTwice) {
  EXPECT_TRUE(fails_at(parse("boot_id x\nnet/ipv4/conf/eth1/arp_ignore 0 1\nnet/ipv4/conf/eth1/arp_ignore 2 1\n"),
                       "host_settings:3", "already recorded on line 2"));
}

TEST(HostSettingsRecord, NeedsTheBootIdFirst) {
  EXPECT_TRUE(
      fails_at(parse("net/ipv4/conf/eth1/arp_ignore 0 1\n"), "host_settings:1", "expected \"boot_id ID\" first"));
  EXPECT_TRUE(fails_at(parse("# nothing\n"), "host_settings", "has no \"boot_id ID\" line"));
}

TEST(HostSettingsRecord, KeepsTheFirstOriginalWhenAPathChangesAgain) {
  // A daemon restarted after a crash sees its own value; the host's stays recorded.
  auto record =
      with_changes(kRecord, {{"net/ipv4/conf/eth1/arp_ignore", 1, 2, ""}, {"net/ipv4/conf/eth0/arp_ignore", 0, 1, ""}});
  EXPECT_EQ(record.settings, (std::vector<RecordedSetting>{{"net/ipv4/conf/eth0/arp_ignore", 0, 1},
                                                           {"net/ipv4/conf/eth1/arp_ignore", 0, 2},
                                                           {"net/ipv4/conf/eth1/rp_filter", 1, 2}}));
}

TEST(HostSettingsRecord, RestoresEveryValueStillAsTandemdSetIt) {
  auto plan = plan_restore(kRecord, {{"net/ipv4/conf/eth1/arp_ignore", 1}, {"net/ipv4/conf/eth1/rp_filter", 2}}, {});
  EXPECT_EQ(plan.writes, (std::vector<SysctlChange>{{"net/ipv4/conf/eth1/arp_ignore", 1, 0, "restored"},
                                                    {"net/ipv4/conf/eth1/rp_filter", 2, 1, "restored"}}));
  EXPECT_TRUE(plan.left.empty());
  EXPECT_EQ(plan.done.size(), 2u);
}

TEST(HostSettingsRecord, LeavesAValueSomeoneChangedSinceAndForgetsIt) {
  auto plan = plan_restore(kRecord, {{"net/ipv4/conf/eth1/arp_ignore", 2}, {"net/ipv4/conf/eth1/rp_filter", 2}}, {});
  EXPECT_EQ(plan.writes.size(), 1u);
  ASSERT_EQ(plan.left.size(), 1u);
  EXPECT_EQ(plan.left[0],
            "net/ipv4/conf/eth1/arp_ignore: left at 2, not restored to 0: it was changed since "
            "tandemd set it to 1");
  EXPECT_TRUE(plan.done.contains("net/ipv4/conf/eth1/arp_ignore"));
}

TEST(HostSettingsRecord, KeepsThePathsStillWanted) {
  auto plan = plan_restore(kRecord, {{"net/ipv4/conf/eth1/arp_ignore", 1}, {"net/ipv4/conf/eth1/rp_filter", 2}},
                           {"net/ipv4/conf/eth1/arp_ignore"});
  EXPECT_EQ(plan.done, (std::set<std::string>{"net/ipv4/conf/eth1/rp_filter"}));
  EXPECT_EQ(without(kRecord, plan.done).settings,
            (std::vector<RecordedSetting>{{"net/ipv4/conf/eth1/arp_ignore", 0, 1}}));
}

TEST(HostSettingsRecord, LeavesAValueThatCannotBeRead) {
  auto plan = plan_restore(kRecord, {{"net/ipv4/conf/eth1/rp_filter", 2}}, {});
  ASSERT_EQ(plan.left.size(), 1u);
  EXPECT_NE(plan.left[0].find("cannot be read"), std::string::npos);
}

}  // namespace
}  // namespace tandem::config
