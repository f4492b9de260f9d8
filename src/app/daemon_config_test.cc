#include "app/daemon_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace tandem::app {
namespace {

namespace fs = std::filesystem;

class DaemonConfigFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "tandem-config-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    write("nodes", "192.0.2.1\n#192.0.2.2\n192.0.2.3\n");
    write("public_addresses", "198.51.100.10/24 eth1,eth2\n203.0.113.10/24 eth2,eth1\n");
    write("ip_groups", "g0 198.51.100.10@eth1 203.0.113.10@eth2\n");
    write_conf("");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  void write_conf(const std::string& node_section) {
    write("tandem.conf", node_section + "[paths]\nnodes = \"" + path("nodes") + "\"\npublic_addresses = \"" +
                             path("public_addresses") + "\"\nip_groups = \"" + path("ip_groups") +
                             "\"\n[cluster]\nlock = \"" + path("lock") + "\"\n[tunables]\nNoIPFailback = 1\n");
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  Result<DaemonConfig> load(std::vector<IpAddress> local) { return load_daemon_config(path("tandem.conf"), local); }

  fs::path dir_;
};

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }

TEST_F(DaemonConfigFiles, ReadsEveryFileTandemConfNames) {
  auto config = load({ip("127.0.0.1"), ip("192.0.2.3")});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->self, NodeId(2));
  EXPECT_EQ(config->nodes.size(), 3u);
  EXPECT_EQ(config->public_addresses.size(), 2u);
  ASSERT_EQ(config->groups.groups().size(), 1u);
  EXPECT_EQ(config->settings.tunables.no_ip_failback, 1u);
  EXPECT_EQ(config->public_interfaces(), (std::vector<InterfaceName>{InterfaceName("eth1"), InterfaceName("eth2")}));
}

TEST_F(DaemonConfigFiles, PublicAddressesSharingARoutingTableAreRefusedNamingTheFile) {
  // Ten tables for two networks: hosts 10 and 15 of the first both get table 5000.
  write("public_addresses", "198.51.100.10/24 eth1\n198.51.100.15/24 eth1\n203.0.113.10/24 eth2\n");
  write_conf(
      "[routing]\ntable_first = 5000\ntable_last = 5009\nnetworks = [\"198.51.100.0/24\", \"203.0.113.0/24\"]\n");
  auto config = load({ip("192.0.2.1")});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().place, path("public_addresses"));
  EXPECT_NE(config.error().cause.find("198.51.100.10 and 198.51.100.15 would share routing table 5000"),
            std::string::npos)
      << config.error().message();
}

TEST_F(DaemonConfigFiles, NodeConfigLeavesDeletedNodesOut) {
  auto config = load({ip("192.0.2.1")});
  ASSERT_TRUE(config.ok()) << config.error().message();
  const auto node = to_node_config(*config, 7);
  EXPECT_EQ(node.nodes, (std::vector<NodeId>{NodeId(0), NodeId(2)}));
  EXPECT_TRUE(node.has_cluster_lock);
  EXPECT_EQ(node.random_seed, 7u);
}

TEST_F(DaemonConfigFiles, NodeAddressSettingChoosesTheNode) {
  write_conf("[node]\naddress = \"192.0.2.3\"\n");
  auto config = load({});
  ASSERT_TRUE(config.ok()) << config.error().message();
  EXPECT_EQ(config->self, NodeId(2));
}

TEST_F(DaemonConfigFiles, NodeAddressNotInNodesFileIsRefused) {
  write_conf("[node]\naddress = \"192.0.2.9\"\n");
  auto config = load({});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("192.0.2.9 is not in the nodes file"), std::string::npos);
}

TEST_F(DaemonConfigFiles, NoLocalAddressInNodesFileIsRefused) {
  auto config = load({ip("127.0.0.1")});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("none of its addresses is on this machine"), std::string::npos);
}

TEST_F(DaemonConfigFiles, TwoLocalAddressesInNodesFileAreRefused) {
  auto config = load({ip("192.0.2.1"), ip("192.0.2.3")});
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message().find("more than one"), std::string::npos);
}

TEST_F(DaemonConfigFiles, BadLineIsNamedByFileAndLine) {
  write("public_addresses", "198.51.100.10/24 eth1\n203.0.113.10 eth2\n");
  auto config = load({ip("192.0.2.1")});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind(path("public_addresses") + ":2:", 0), 0u) << config.error().message();
}

TEST_F(DaemonConfigFiles, MissingFileIsNamed) {
  fs::remove(dir_ / "ip_groups");
  auto config = load({ip("192.0.2.1")});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().message().rfind(path("ip_groups") + ": cannot read", 0), 0u) << config.error().message();
}

// A FIFO has no end a reader can wait for: refused at once, not read (nor waited on for a
// writer), whichever file tandem.conf names.
TEST_F(DaemonConfigFiles, AFifoAsAConfigurationFileIsRefusedNotWaitedOn) {
  for (const std::string name : {"tandem.conf", "ip_groups"}) {
    fs::rename(dir_ / name, dir_ / (name + ".kept"));
    ASSERT_EQ(::mkfifo(path(name).c_str(), 0600), 0);
    auto config = load({ip("192.0.2.1")});
    ASSERT_FALSE(config.ok()) << name;
    EXPECT_EQ(config.error().message(), path(name) + ": not a regular file");
    fs::remove(dir_ / name);
    fs::rename(dir_ / (name + ".kept"), dir_ / name);
  }
}

}  // namespace
}  // namespace tandem::app
