#include "config/settings.h"

#include <gtest/gtest.h>

#include "config/lines.h"
#include "config/test_helpers.h"

namespace tandem::config {
namespace {

Result<Settings> parse(std::string_view text) { return parse_settings(text, "tandem.conf"); }

TEST(Settings, GivesTheDefaultsForAnEmptyFile) {
  auto settings = parse("");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(*settings, Settings{});
  EXPECT_FALSE(settings->node_address.has_value());
  EXPECT_EQ(settings->paths.nodes, "/etc/tandem/nodes");
  EXPECT_EQ(settings->paths.public_addresses, "/etc/tandem/public_addresses");
  EXPECT_EQ(settings->paths.ip_groups, "/etc/tandem/ip_groups");
  EXPECT_EQ(settings->paths.events, "/etc/tandem/events.d");
  EXPECT_EQ(settings->paths.state, "/var/lib/tandem");
  EXPECT_EQ(settings->cluster_lock.kind, ClusterLockSetting::Kind::kNone);
  EXPECT_EQ(settings->key_file, "/etc/tandem/cluster.key");
  EXPECT_EQ(settings->port, 4379);
  EXPECT_EQ(settings->tunables, Tunables{});
}

TEST(Settings, ReadsEverySetting) {
  auto settings = parse(R"(
[node]
address = "2001:db8::1"
[paths]
nodes = "/a/nodes"
public_addresses = "/a/public_addresses"
ip_groups = "/a/ip_groups"
events = "/a/events.d"
state = "/a/state"
socket = "/a/tandemd.sock"
[cluster]
lock = "/clusterfs/tandem.lock"
key_file = "/a/key"
port = 5000
[tunables]
NoIPFailback = 1
)");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->node_address, IpAddress::parse("2001:db8::1").value());
  EXPECT_EQ(settings->paths,
            (Paths{"/a/nodes", "/a/public_addresses", "/a/ip_groups", "/a/events.d", "/a/state", "/a/tandemd.sock"}));
  EXPECT_EQ(settings->cluster_lock,
            (ClusterLockSetting{ClusterLockSetting::Kind::kFile, "/clusterfs/tandem.lock", {}}));
  EXPECT_EQ(settings->key_file, "/a/key");
  EXPECT_EQ(settings->port, 5000);
  EXPECT_EQ(settings->tunables.no_ip_failback, 1u);
}

TEST(Settings, AcceptsDottedKeysInlineTablesAndCrlf) {
  auto settings = parse("node.address = \"192.0.2.1\"\r\ncluster = { port = 4000 }\r\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->node_address, IpAddress::parse("192.0.2.1").value());
  EXPECT_EQ(settings->port, 4000);
}

TEST(Settings, RejectsInvalidTomlWithTheLineOfTheError) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = 4379\nlock = \"unterminated\n"), "tandem.conf:3", "not valid TOML"));
}

TEST(Settings, RejectsInvalidUtf8AsInvalidToml) {
  EXPECT_TRUE(fails_at(parse("[paths]\n\nnodes = \"/etc/\xff\"\n"), "tandem.conf:3", "not valid TOML"));
}

TEST(Settings, RejectsAnUnknownSectionListingTheKnownOnes) {
  EXPECT_TRUE(fails_at(parse("[node]\n[networks]\nport = 1\n"), "tandem.conf:2",
                       "unknown section [networks]; the known sections are [node], [paths], [cluster], [network], "
                       "[tunables], [routing], [metrics], [reachability]"));
}

TEST(Settings, ReadsProbeTargetsPerInterfaceAsAnArrayOrOneString) {
  auto settings =
      parse("[reachability]\neth1 = [\"192.0.2.1\", \"2001:db8::1\"]\neth2 = \"198.51.100.1  198.51.100.2\"\n");
  ASSERT_TRUE(succeeds(settings));
  const auto address = [](std::string_view text) { return IpAddress::parse(text).value(); };
  EXPECT_EQ(settings->reachability,
            (std::vector<ProbeTargetSetting>{
                {InterfaceName("eth1"), {address("192.0.2.1"), address("2001:db8::1")}, 2},
                {InterfaceName("eth2"), {address("198.51.100.1"), address("198.51.100.2")}, 3}}));
  EXPECT_TRUE(parse("")->reachability.empty());
}

TEST(Settings, RejectsABadProbeTargetWithItsLine) {
  EXPECT_TRUE(fails_at(parse("[reachability]\n\neth1 = [\"192.0.2.300\"]\n"), "tandem.conf:3",
                       "reachability.eth1: '192.0.2.300' is not an IPv4 or IPv6 address"));
  EXPECT_TRUE(fails_at(parse("[reachability]\neth1 = \"192.0.2.1 192.0.2.1\"\n"), "tandem.conf:2",
                       "192.0.2.1 is listed twice"));
  EXPECT_TRUE(fails_at(parse("[reachability]\neth1 = []\n"), "tandem.conf:2", "names no address to probe"));
  EXPECT_TRUE(fails_at(parse("[reachability]\neth1 = 3\n"), "tandem.conf:2", "must be an array of addresses"));
  EXPECT_TRUE(
      fails_at(parse("[reachability]\n\"eth/1\" = \"192.0.2.1\"\n"), "tandem.conf:2", "is not an interface name"));
}

TEST(Settings, ManagesTheHostSettingsUnlessTurnedOff) {
  EXPECT_TRUE(parse("")->manage_host_settings);
  EXPECT_TRUE(parse("[network]\nmanage_host_settings = true\n")->manage_host_settings);
  auto off = parse("[network]\nmanage_host_settings = false\n");
  ASSERT_TRUE(succeeds(off));
  EXPECT_FALSE(off->manage_host_settings);
}

TEST(Settings, RejectsAManageHostSettingsThatIsNotABoolean) {
  EXPECT_TRUE(fails_at(parse("[network]\n\nmanage_host_settings = \"yes\"\n"), "tandem.conf:3",
                       "network.manage_host_settings must be true or false, not a string"));
  EXPECT_TRUE(fails_at(parse("[network]\nmanage_host_settings = 1\n"), "tandem.conf:2",
                       "network.manage_host_settings must be true or false, not an integer"));
}

TEST(Settings, RejectsAnUnknownKeyInNetwork) {
  EXPECT_TRUE(fails_at(parse("[network]\nmanage_sysctls = false\n"), "tandem.conf:2",
                       "unknown key 'manage_sysctls' in [network]; the known keys are manage_host_settings"));
}

TEST(Settings, ReadsTheMetricsTextfileAndRefusesARelativeOne) {
  auto settings = parse("[metrics]\ntextfile = \"/var/lib/prometheus/node-exporter/tandem.prom\"\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->metrics_textfile, "/var/lib/prometheus/node-exporter/tandem.prom");
  EXPECT_EQ(parse("")->metrics_textfile, "");
  EXPECT_TRUE(fails_at(parse("[metrics]\ntextfile = \"tandem.prom\"\n"), "tandem.conf:2", "must be an absolute path"));
}

TEST(Settings, RejectsAKeyOutsideAnySection) {
  EXPECT_TRUE(fails_at(parse("port = 4379\n"), "tandem.conf:1",
                       "key 'port' is outside any section; the known sections are [node]"));
}

TEST(Settings, RejectsASectionThatIsNotATable) {
  EXPECT_TRUE(
      fails_at(parse("cluster = 1\n"), "tandem.conf:1", "[cluster] must be a section (a table), not an integer"));
  EXPECT_TRUE(fails_at(parse("[[paths]]\n"), "tandem.conf:1", "[paths] must be a section (a table), not an array"));
}

TEST(Settings, RejectsAnUnknownKeyListingTheKnownOnes) {
  EXPECT_TRUE(fails_at(parse("[paths]\nnodes = \"/n\"\nscripts = \"/s\"\n"), "tandem.conf:3",
                       "unknown key 'scripts' in [paths]; the known keys are nodes, public_addresses, "
                       "ip_groups, events, state"));
  EXPECT_TRUE(fails_at(parse("[cluster]\nrecovery_lock = \"/l\"\n"), "tandem.conf:2",
                       "unknown key 'recovery_lock' in [cluster]; the known keys are lock, key_file, port"));
  EXPECT_TRUE(fails_at(parse("[node]\npnn = 1\n"), "tandem.conf:2", "the known keys are address"));
}

TEST(Settings, ReportsTheFirstErrorInFileOrderRatherThanKeyOrder) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = \"x\"\nkey_file = 1\n"), "tandem.conf:2", "cluster.port"));
  EXPECT_TRUE(fails_at(parse("[tunables]\nzzz = 1\n[cluster]\naaa = 1\n"), "tandem.conf:2", "'zzz'"));
}

TEST(Settings, RejectsAValueOfTheWrongType) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = \"4379\"\n"), "tandem.conf:2",
                       "cluster.port must be an integer, not a string"));
  EXPECT_TRUE(fails_at(parse("[paths]\n\nstate = 1.5\n"), "tandem.conf:3",
                       "paths.state must be a string, not a floating-point number"));
  EXPECT_TRUE(fails_at(parse("[node]\naddress = [\"192.0.2.1\"]\n"), "tandem.conf:2",
                       "node.address must be a string, not an array"));
}

TEST(Settings, RejectsABadNodeAddress) {
  EXPECT_TRUE(fails_at(parse("[node]\naddress = \"node1\"\n"), "tandem.conf:2",
                       "node.address 'node1' is not a valid IPv4 or IPv6 address"));
}

TEST(Settings, RejectsANodeAddressWithAPrefixLength) {
  EXPECT_TRUE(fails_at(parse("[node]\naddress = \"192.0.2.1/24\"\n"), "tandem.conf:2",
                       "node.address '192.0.2.1/24' has a prefix length"));
}

TEST(Settings, RejectsARelativePath) {
  EXPECT_TRUE(fails_at(parse("[paths]\nnodes = \"etc/tandem/nodes\"\n"), "tandem.conf:2",
                       "paths.nodes must be an absolute path (starting with '/'), not 'etc/tandem/nodes'"));
  EXPECT_TRUE(fails_at(parse("[cluster]\nkey_file = \"cluster.key\"\n"), "tandem.conf:2",
                       "cluster.key_file must be an absolute path"));
}

TEST(Settings, RejectsAnEmptyPath) {
  EXPECT_TRUE(fails_at(parse("[paths]\nevents = \"\"\n"), "tandem.conf:2", "paths.events must not be empty"));
}

TEST(Settings, RejectsAPathWithANulCharacter) {
  EXPECT_TRUE(fails_at(parse("[paths]\nstate = \"/var/\\u0000lib\"\n"), "tandem.conf:2",
                       "paths.state '/var/\\x00lib' contains a NUL character"));
}

TEST(Settings, RejectsAPortOutsideOneTo65535) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = 0\n"), "tandem.conf:2", "cluster.port must be from 1 to 65535, not 0"));
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = 65536\n"), "tandem.conf:2", "not 65536"));
  EXPECT_TRUE(fails_at(parse("[cluster]\nport = -1\n"), "tandem.conf:2", "not -1"));
}

TEST(Settings, ReadsAnEmptyLockAsNoClusterLock) {
  auto settings = parse("[cluster]\nlock = \"\"\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->cluster_lock.kind, ClusterLockSetting::Kind::kNone);
}

TEST(Settings, ReadsABangLockAsAHelperCommandWithArguments) {
  auto settings =
      parse("[cluster]\nlock = \"!/usr/libexec/ctdb/ctdb_mutex_ceph_rados_helper ceph client.admin  pool obj\"\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(
      settings->cluster_lock,
      (ClusterLockSetting{ClusterLockSetting::Kind::kHelper,
                          "",
                          {"/usr/libexec/ctdb/ctdb_mutex_ceph_rados_helper", "ceph", "client.admin", "pool", "obj"}}));
}

TEST(Settings, RejectsAHelperLockWithNoCommand) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nlock = \"! \"\n"), "tandem.conf:2", "cluster.lock '! ' names no helper"));
}

TEST(Settings, RejectsALockThatIsNeitherAnAbsolutePathNorAHelper) {
  EXPECT_TRUE(fails_at(parse("[cluster]\nlock = \"cluster.lock\"\n"), "tandem.conf:2",
                       "cluster.lock must be an absolute path to lock, \"!COMMAND ARGS...\" to run a helper, "
                       "or \"\" for no lock, not 'cluster.lock'"));
}

TEST(Settings, SetsTunablesByNameIgnoringCase) {
  auto settings = parse("[tunables]\nnoipfailback = 1\nNOIPTAKEOVER = 1\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->tunables.no_ip_failback, 1u);
  EXPECT_EQ(settings->tunables.no_ip_takeover, 1u);
}

TEST(Settings, AcceptsTheAllocationAlgorithmByNumberOrName) {
  auto by_name = parse("[tunables]\nIPAllocAlgorithm = \"deterministic\"\n");
  ASSERT_TRUE(succeeds(by_name));
  EXPECT_EQ(by_name->tunables.algorithm(), AllocAlgorithm::kDeterministic);
  auto by_number = parse("[tunables]\nIPAllocAlgorithm = 1\n");
  ASSERT_TRUE(succeeds(by_number));
  EXPECT_EQ(by_number->tunables.algorithm(), AllocAlgorithm::kNonDeterministic);
}

TEST(Settings, AcceptsBooleansForOnOffTunables) {
  auto settings = parse("[tunables]\nNoIPFailback = true\nNoIPHostOnAllDisabled = false\n");
  ASSERT_TRUE(succeeds(settings));
  EXPECT_EQ(settings->tunables.no_ip_failback, 1u);
  EXPECT_EQ(settings->tunables.no_ip_host_on_all_disabled, 0u);
}

TEST(Settings, RejectsABooleanForATunableWithMoreThanTwoValues) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nIPAllocAlgorithm = true\n"), "tandem.conf:2",
                       "tunable IPAllocAlgorithm must be a whole number, not a boolean"));
}

TEST(Settings, RejectsANegativeTunable) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nNoIPFailback = -1\n"), "tandem.conf:2",
                       "tunable NoIPFailback must not be negative, not -1"));
}

TEST(Settings, RejectsATunableOutOfRange) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nIPAllocAlgorithm = 3\n"), "tandem.conf:2", "out of range 0..2"));
}

TEST(Settings, RejectsAnUnknownAlgorithmName) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nIPAllocAlgorithm = \"fastest\"\n"), "tandem.conf:2",
                       "tunable IPAllocAlgorithm needs a number, not 'fastest'"));
}

TEST(Settings, RejectsAFloatingPointTunable) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nNoIPFailback = 1.0\n"), "tandem.conf:2",
                       "tunable NoIPFailback must be a whole number or a boolean, not a floating-point number"));
}

TEST(Settings, RejectsAnUnknownTunableListingTheKnownOnes) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nMonitorInterval = 15\n"), "tandem.conf:2",
                       "unknown tunable 'MonitorInterval'; the known tunables are IPAllocAlgorithm, NoIPFailback, "
                       "NoIPHostOnAllDisabled, NoIPTakeover"));
}

TEST(Settings, RejectsATunableSetTwiceUnderDifferentCase) {
  EXPECT_TRUE(fails_at(parse("[tunables]\nNoIPFailback = 1\nnoipfailback = 0\n"), "tandem.conf:3",
                       "tunable NoIPFailback is already set on line 2"));
}

TEST(Settings, RejectsATextLargerThanTheLimit) {
  EXPECT_TRUE(fails_at(parse(std::string(kFileSizeMax + 1, '#')), "tandem.conf", "at most"));
}

TEST(ClusterLock, ParsesTheThreeKinds) {
  EXPECT_EQ(parse_cluster_lock("").value().kind, ClusterLockSetting::Kind::kNone);
  EXPECT_EQ(parse_cluster_lock("/l").value().file, "/l");
  EXPECT_EQ(parse_cluster_lock("!helper").value().helper, std::vector<std::string>{"helper"});
}

TEST(Settings, RejectsProbesOnAnInterfaceOfNoPublicAddress) {
  auto settings = parse("[reachability]\neth1 = \"192.0.2.1\"\neth9 = \"192.0.2.1\"\n");
  ASSERT_TRUE(succeeds(settings));
  const AddressList addresses{{IpPrefix::parse("198.51.100.10/24").value(), {InterfaceName("eth1")}}};
  EXPECT_TRUE(fails_at(
      check_probed_interfaces(*settings, addresses, "tandem.conf", "/etc/tandem/public_addresses"), "tandem.conf:3",
      "[reachability] eth9 is not an interface of any public address in /etc/tandem/public_addresses"));
  settings->reachability.pop_back();
  EXPECT_TRUE(check_probed_interfaces(*settings, addresses, "tandem.conf", "/etc/tandem/public_addresses"));
}

}  // namespace
}  // namespace tandem::config
