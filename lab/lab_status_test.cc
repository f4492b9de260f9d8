#include "lab/lab_status.h"

#include <gtest/gtest.h>

namespace tandem::lab {
namespace {

// Trimmed output of `ip -j addr show` in a node with eth1 up, eth2's cable pulled.
constexpr const char* kNodeJson = R"([
 {"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"operstate":"UNKNOWN",
  "address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host"}]},
 {"ifindex":2,"link_index":5,"ifname":"eth1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UP",
  "address":"02:00:00:00:00:01","link_netnsid":0,
  "addr_info":[{"family":"inet","local":"198.51.100.10","prefixlen":24,"scope":"global"},
               {"family":"inet6","local":"fe80::1","prefixlen":64,"scope":"link"}]},
 {"ifindex":3,"ifname":"eth2","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"operstate":"LOWERLAYERDOWN",
  "address":"02:00:00:00:00:02","addr_info":[{"family":"inet","local":"203.0.113.10","prefixlen":24,"scope":"global"}]},
 {"ifindex":4,"ifname":"n0e0","flags":["BROADCAST","MULTICAST"],"master":"swq","operstate":"DOWN",
  "address":"aa:bb:cc:dd:ee:ff","addr_info":[]}
])";

TEST(ParseIpJson, ReadsLinkStateMacMasterAndGlobalAddresses) {
  auto parsed = parse_ip_json(kNodeJson, "ip -j addr show");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  ASSERT_EQ(parsed->size(), 4u);
  const auto& eth1 = (*parsed)[1];
  EXPECT_EQ(eth1.name, "eth1");
  EXPECT_EQ(eth1.mac, "02:00:00:00:00:01");
  EXPECT_EQ(eth1.link(), "up");
  EXPECT_EQ(eth1.addresses, (std::vector<IpPrefix>{IpPrefix::parse("198.51.100.10/24").value()}));
  EXPECT_EQ((*parsed)[2].link(), "no-carrier");
  EXPECT_EQ((*parsed)[3].link(), "down");
  EXPECT_EQ((*parsed)[3].master, "swq");
  EXPECT_TRUE((*parsed)[0].addresses.empty()) << "host scope is not a public address";
}

TEST(ParseIpJson, RefusesWhatIsNotALinkList) {
  EXPECT_FALSE(parse_ip_json("{}", "ip").ok());
  EXPECT_FALSE(parse_ip_json("[{\"flags\": []}]", "ip").ok());
}

NodeState node_with(const std::string& name, const std::string& interface, const std::string& address) {
  NodeState node;
  node.name = name;
  node.has_netns = true;
  InterfaceState state;
  state.name = interface;
  state.is_up = true;
  state.has_carrier = true;
  state.addresses.push_back(IpPrefix::parse(address).value());
  node.interfaces.push_back(state);
  return node;
}

TEST(LocatePublicIps, TellsAnAddressLeftOnADeadLinkFromOneThatServes) {
  auto plan = make_lab_plan(LabOptions{}).value();
  auto crashed = node_with("n1", "eth1", "198.51.100.10/24");
  crashed.interfaces[0].has_carrier = false;
  std::vector<NodeState> nodes{crashed, node_with("n2", "eth1", "198.51.100.10/24")};
  LabStatus status;
  status.public_ips = locate_public_ips(plan, nodes);
  EXPECT_EQ(status.public_ips[0].reachable_holder_count(), 1);
  EXPECT_EQ(holder_of(status, IpAddress::parse("198.51.100.10").value()), "n2");
  auto text = status_text(status);
  EXPECT_NE(text.find("n1 eth1 (no carrier) AND n2 eth1\n"), std::string::npos) << text;
}

TEST(LocatePublicIps, ShowsAnAddressOnTwoNodesAsSuch) {
  auto plan = make_lab_plan(LabOptions{}).value();
  std::vector<NodeState> nodes{node_with("n0", "eth1", "198.51.100.10/24"),
                               node_with("n1", "eth2", "198.51.100.10/24")};
  auto located = locate_public_ips(plan, nodes);
  ASSERT_EQ(located.size(), 6u);
  EXPECT_EQ(located[0].holders, (std::vector<Holder>{{"n0", "eth1", true}, {"n1", "eth2", true}}));
  EXPECT_TRUE(located[1].holders.empty());
  LabStatus status;
  status.public_ips = located;
  EXPECT_EQ(holder_of(status, IpAddress::parse("198.51.100.10").value()), "n0");
  EXPECT_EQ(holder_of(status, IpAddress::parse("203.0.113.10").value()), "");
  auto text = status_text(status);
  EXPECT_NE(text.find("n0 eth1 AND n1 eth2  <- ON MORE THAN ONE INTERFACE"), std::string::npos) << text;
  EXPECT_NE(text.find("not configured anywhere"), std::string::npos) << text;
  EXPECT_NE(status_json(status).find("\"holders\""), std::string::npos);
}

}  // namespace
}  // namespace tandem::lab
