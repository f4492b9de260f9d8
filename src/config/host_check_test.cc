#include "config/host_check.h"

#include <gtest/gtest.h>

#include "config/ip_groups_file.h"
#include "config/public_addresses_file.h"

namespace tandem::config {
namespace {

using Kind = PathFacts::Kind;

PathFacts facts(Kind kind, std::uint32_t owner = 0, bool is_executable = false) {
  return PathFacts{.kind = kind, .mode = 0600, .owner = owner, .is_executable = is_executable, .reason = ""};
}

// The one message, as "PLACE: CAUSE", or "" when there is none.
std::string only(const std::vector<Error>& errors) {
  if (errors.size() != 1) return errors.empty() ? "" : "several: " + errors.front().message();
  return errors.front().message();
}

TEST(CheckKeyOwner, AcceptsAKeyOwnedByTheDaemonsAccount) {
  EXPECT_TRUE(check_key_owner("/etc/tandem/cluster.key", facts(Kind::kRegular, 0), 0).empty());
}

TEST(CheckKeyOwner, RefusesAKeyAnotherAccountOwns) {
  EXPECT_EQ(only(check_key_owner("/k", facts(Kind::kRegular, 1000), 0)),
            "/k: the cluster key belongs to uid 1000, not uid 0 (mode 0600); chown it so no other account can "
            "rewrite it");
}

TEST(CheckEventsDir, AllowsAMissingDirectoryBecauseItMeansNoHooks) {
  EXPECT_TRUE(check_events_dir("tandem.conf", "/etc/tandem/events.d", facts(Kind::kMissing)).empty());
}

TEST(CheckEventsDir, RefusesARegularFile) {
  EXPECT_EQ(only(check_events_dir("tandem.conf", "/e", facts(Kind::kRegular))),
            "tandem.conf: [paths] events '/e' is a regular file; it must be a directory");
}

TEST(CheckClusterLock, InspectsTheLockFilesDirectoryOrTheHelpersProgram) {
  EXPECT_EQ(cluster_lock_path_to_inspect(parse_cluster_lock("/shared/tandem/lock").value()), "/shared/tandem");
  EXPECT_EQ(cluster_lock_path_to_inspect(parse_cluster_lock("!/usr/bin/helper a b").value()), "/usr/bin/helper");
  EXPECT_EQ(cluster_lock_path_to_inspect(parse_cluster_lock("").value()), "");
}

TEST(CheckClusterLock, RefusesALockFileWhoseDirectoryIsMissing) {
  const auto lock = parse_cluster_lock("/shared/tandem/lock").value();
  EXPECT_EQ(only(check_cluster_lock("tandem.conf", lock, facts(Kind::kMissing))),
            "tandem.conf: [cluster] lock '/shared/tandem/lock': its directory '/shared/tandem' does not exist; the "
            "lock file's directory must exist on every node (the cluster filesystem)");
  EXPECT_TRUE(check_cluster_lock("tandem.conf", lock, facts(Kind::kDirectory)).empty());
}

TEST(CheckClusterLock, RefusesAHelperThatCannotRun) {
  const auto lock = parse_cluster_lock("!/usr/bin/helper a").value();
  EXPECT_EQ(only(check_cluster_lock("c", lock, facts(Kind::kRegular))),
            "c: [cluster] lock helper '/usr/bin/helper' is not executable");
  EXPECT_NE(only(check_cluster_lock("c", lock, facts(Kind::kMissing))).find("does not exist"), std::string::npos);
  EXPECT_TRUE(check_cluster_lock("c", lock, facts(Kind::kRegular, 0, true)).empty());
}

TEST(CheckClusterLock, SaysWhyAPathCannotBeReached) {
  const auto lock = parse_cluster_lock("/shared/lock").value();
  PathFacts unreachable = facts(Kind::kUnreachable);
  unreachable.reason = "Permission denied";
  EXPECT_NE(only(check_cluster_lock("c", lock, unreachable)).find("cannot be reached (Permission denied)"),
            std::string::npos);
}

TEST(CheckInterfacesExist, NamesEachMissingInterfaceAtItsLine) {
  const auto problems = check_interfaces_exist(
      "public_addresses", "# comment\n198.51.100.10/24 eth1,eth9\n\n203.0.113.10/24   eth2\n", {"eth1", "lo"});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].message(), "public_addresses:2: interface eth9 does not exist on this host");
  EXPECT_EQ(problems[1].message(), "public_addresses:4: interface eth2 does not exist on this host");
}

TEST(CheckInterfacesExist, AcceptsInterfacesTheHostHas) {
  EXPECT_TRUE(check_interfaces_exist("p", "198.51.100.10/24 eth1,eth2\n", {"eth1", "eth2"}).empty());
}

TEST(CheckGroupsAgainstNode, WarnsOfEachGroupAddressThisNodeDoesNotList) {
  const auto groups = parse_ip_groups("g1 198.51.100.10\ng2 198.51.100.99\ng3 203.0.113.9\n", "ip_groups").value();
  const auto addresses = parse_public_addresses("198.51.100.10/24 eth1\n", "public_addresses").value();
  const auto warnings = check_groups_against_node(groups, addresses);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0].place, "ip_groups:2");
  EXPECT_EQ(warnings[1].place, "ip_groups:3");
  EXPECT_NE(warnings[0].cause.find("198.51.100.99"), std::string::npos);
}

TEST(CheckGroupsAgainstNode, WarnsOfAPreferredInterfaceThisNodeDoesNotList) {
  const auto groups = parse_ip_groups("g1 198.51.100.10@eth2\n", "ip_groups").value();
  const auto addresses = parse_public_addresses("198.51.100.10/24 eth1\n", "public_addresses").value();
  EXPECT_NE(only(check_groups_against_node(groups, addresses)).find("preferred interface eth2"), std::string::npos);
}

}  // namespace
}  // namespace tandem::config
