// Golden tests of the query verbs' text: scripts parse these forms, so a change here is a
// change of the tool's interface. The cluster is test_status.h's.
#include "ctl/status_views.h"

#include <gtest/gtest.h>

#include "ctl/test_status.h"

namespace tandem::ctl {
namespace {

using nlohmann::json;

class StatusViews : public ::testing::Test {
 protected:
  json result_ = testing::sample_status_json();
  ClusterStatus status_ = read_cluster_status(result_).value();

  std::string text(const Result<View>& view) {
    if (!view) return "error: " + view.error().message();
    return view->text;
  }

  static NodeChoice node(std::uint32_t pnn) { return NodeChoice{false, pnn}; }
  static NodeChoice all() { return NodeChoice{true, std::nullopt}; }
};

TEST_F(StatusViews, StatusListsNodesLikeCtdbLeavingDeletedOnesOut) {
  EXPECT_EQ(status_view(result_, status_).text,
            "Number of nodes:4\n"
            "pnn:0 192.0.2.1        OK (THIS NODE)\n"
            "pnn:1 192.0.2.2        DISABLED\n"
            "pnn:2 192.0.2.3        UNHEALTHY\n"
            "Epoch:7\n"
            "Leader:1\n");
  EXPECT_EQ(status_view(result_, status_).json, result_);
}

TEST_F(StatusViews, StatusJoinsFlagsAndSaysWhenThereIsNoLeader) {
  result_["leader"] = nullptr;
  result_["nodes"][1]["flags"] = json::array({"DISCONNECTED", "BANNED"});
  result_["nodes"][2]["address"] = nullptr;
  const ClusterStatus status = read_cluster_status(result_).value();
  EXPECT_EQ(status_view(result_, status).text,
            "Number of nodes:4\n"
            "pnn:0 192.0.2.1        OK (THIS NODE)\n"
            "pnn:1 192.0.2.2        DISCONNECTED|BANNED\n"
            "pnn:2 -                UNHEALTHY\n"
            "Epoch:7\n"
            "Leader:none\n");
}

TEST_F(StatusViews, IpShowsThisNodesAddressesWithTheirHolderAndDuplicates) {
  EXPECT_EQ(text(ip_view(result_, status_, {}, false)),
            "Public IPs on node 0\n"
            "198.51.100.10 0\n"
            "198.51.100.20 -1\n"
            "203.0.113.10 0\n"
            "203.0.113.20 -1\n"
            "203.0.113.30 1 also_on:2\n");
}

TEST_F(StatusViews, IpForAnotherNodeShowsOnlyWhatItMayHostOrHolds) {
  EXPECT_EQ(text(ip_view(result_, status_, node(2), false)),
            "Public IPs on node 2\n"
            "203.0.113.10 0\n"
            "203.0.113.30 1 also_on:2\n");
  const auto view = ip_view(result_, status_, node(2), false);
  EXPECT_EQ(view->json, json({{"node", 2}, {"addresses", {result_["addresses"][2], result_["addresses"][4]}}}));
}

TEST_F(StatusViews, IpVerboseAddsInterfacesAndGroupRelativeToTheNode) {
  EXPECT_EQ(text(ip_view(result_, status_, node(1), true)),
            "Public IPs on node 1\n"
            "198.51.100.10 node[0] active[eth2] available[eth1] configured[eth2,eth1] group[g1] table[1020]\n"
            "198.51.100.20 node[-1] active[] available[] configured[eth2] group[g2]\n"
            "203.0.113.10 node[0] active[eth1] available[eth1] configured[eth1,eth2] group[g1]\n"
            "203.0.113.20 node[-1] active[] available[eth1] configured[eth1] group[g2]\n"
            "203.0.113.30 node[1] active[eth1] available[eth1] configured[eth1] group[g3] also_on[2:eth1]\n");
}

TEST_F(StatusViews, IpForAllNodesListsEveryAddressAndItsCandidates) {
  EXPECT_EQ(text(ip_view(result_, status_, all(), false)),
            "Public IPs on ALL nodes\n"
            "198.51.100.10 0\n"
            "198.51.100.20 -1\n"
            "203.0.113.10 0\n"
            "203.0.113.20 -1\n"
            "203.0.113.30 1 also_on:2\n");
  EXPECT_EQ(text(ip_view(result_, status_, all(), true)),
            "Public IPs on ALL nodes\n"
            "198.51.100.10 node[0] active[eth2] group[g1] candidates[0:eth2,eth1;1:eth2,eth1] table[1020]\n"
            "198.51.100.20 node[-1] active[] group[g2] candidates[0:eth2;1:eth2]\n"
            "203.0.113.10 node[0] active[eth1] group[g1] candidates[0:eth1,eth2;1:eth1,eth2;2:eth1]\n"
            "203.0.113.20 node[-1] active[] group[g2] candidates[0:eth1;1:eth1]\n"
            "203.0.113.30 node[1] active[eth1] group[g3] candidates[0:eth1;1:eth1;2:eth1] also_on[2:eth1]\n");
  EXPECT_EQ(ip_view(result_, status_, all(), false)->json["node"], "all");
}

TEST_F(StatusViews, IpRefusesANodeThatIsNotConfiguredOrHasNotReported) {
  EXPECT_EQ(text(ip_view(result_, status_, node(9), false)), "error: node 9 is not configured");
  EXPECT_EQ(text(ip_view(result_, status_, node(3), false)),
            "error: node 3 has not reported its state: the addresses it may host are unknown");
  EXPECT_EQ(text(ipinfo_view(status_, "203.0.113.10", node(3))),
            "error: node 3 has not reported its state: its interfaces are unknown");
}

TEST_F(StatusViews, IpinfoShowsTheInterfacesOfTheNodeLikeCtdb) {
  EXPECT_EQ(text(ipinfo_view(status_, "203.0.113.10", {})),
            "Public IP[203.0.113.10] info on node 0\n"
            "IP:203.0.113.10\n"
            "CurrentNode:0\n"
            "NumInterfaces:2\n"
            "Interface[1]: Name:eth1 Link:up References:1 (active)\n"
            "Interface[2]: Name:eth2 Link:up References:1\n"
            "Group:g1\n");
}

TEST_F(StatusViews, IpinfoShowsADuplicateHolder) {
  EXPECT_EQ(text(ipinfo_view(status_, "203.0.113.30", node(2))),
            "Public IP[203.0.113.30] info on node 2\n"
            "IP:203.0.113.30\n"
            "CurrentNode:1\n"
            "NumInterfaces:1\n"
            "Interface[1]: Name:eth1 Link:up References:1 (active)\n"
            "Group:g3\n"
            "AlsoOn:2:eth1\n");
  EXPECT_EQ(ipinfo_view(status_, "203.0.113.30", node(2))->json, json::parse(R"({
    "node": 2, "address": "203.0.113.30", "current_node": 1, "group": "g3",
    "interfaces": [{"name": "eth1", "link": "up", "addresses": 1, "active": true}]})"));
}

TEST_F(StatusViews, IpinfoOfAnUnhostedAddressOnANodeThatCannotHostIt) {
  EXPECT_EQ(text(ipinfo_view(status_, "198.51.100.20", node(2))),
            "Public IP[198.51.100.20] info on node 2\n"
            "IP:198.51.100.20\n"
            "CurrentNode:-1\n"
            "NumInterfaces:0\n"
            "Group:g2\n");
  EXPECT_EQ(text(ipinfo_view(status_, "192.0.2.99", {})), "error: 192.0.2.99 is not a public address of any node");
}

TEST_F(StatusViews, IfacesShowsLinksAndReferencesLikeCtdb) {
  EXPECT_EQ(text(ifaces_view(result_, status_, node(1))),
            "Interfaces on node 1\n"
            "name:eth1 link:up references:1\n"
            "name:eth2 link:down (no reply from 192.0.2.1, 192.0.2.2 for 3 probes) references:0\n");
  EXPECT_EQ(ifaces_view(result_, status_, node(1))->json,
            json({{"node", 1}, {"interfaces", result_["nodes"][1]["interfaces"]}}));
}

TEST_F(StatusViews, IfacesRefusesANodeWithoutReport) {
  EXPECT_EQ(text(ifaces_view(result_, status_, node(3))),
            "error: node 3 has not reported its state: its interfaces are unknown");
}

TEST_F(StatusViews, GroupsShowsHostedUnhostedAndSplitGroups) {
  EXPECT_EQ(groups_view(result_, status_).text,
            "name:g1 node:0\n"
            "  203.0.113.10 node:0 interface:eth1\n"
            "  198.51.100.10 node:0 interface:eth2\n"
            "name:g2 node:-1\n"
            "  203.0.113.20 node:-1 interface:-\n"
            "  198.51.100.20 node:-1 interface:-\n"
            "name:g3 node:split nodes:1,2\n"
            "  203.0.113.30 node:1 interface:eth1 also_on:2:eth1\n");
  EXPECT_EQ(groups_view(result_, status_).json, json({{"groups", result_["groups"]}}));
}

TEST_F(StatusViews, ListnodesGivesOneAddressPerLine) {
  EXPECT_EQ(listnodes_view(status_).text, "192.0.2.1\n192.0.2.2\n192.0.2.3\n");
  EXPECT_EQ(listnodes_view(status_).json["nodes"][2], json({{"pnn", 2}, {"address", "192.0.2.3"}}));
}

TEST_F(StatusViews, LeaderGivesThePnnOrAnError) {
  EXPECT_EQ(text(leader_view(status_)), "1\n");
  status_.leader.reset();
  EXPECT_EQ(text(leader_view(status_)), "error: there is no leader");
}

TEST(ReadClusterStatus, NamesThePlaceOfAMissingOrMalformedField) {
  json result = testing::sample_status_json();
  result["nodes"][1].erase("connected");
  EXPECT_EQ(read_cluster_status(result).error().message(), "result.nodes[1]: missing \"connected\"");
  result = testing::sample_status_json();
  result["addresses"][4]["also_on"][0]["pnn"] = "two";
  EXPECT_EQ(read_cluster_status(result).error().message(),
            "result.addresses[4].also_on[0].pnn: expected a whole number of 0 or more, got \"two\"");
  EXPECT_EQ(read_cluster_status(json::array()).error().message(), "result: expected an object, got an array");
}

TEST(ReadClusterStatus, IgnoresKeysItDoesNotKnow) {
  json result = testing::sample_status_json();
  result["cluster_name"] = "lab";
  result["nodes"][0]["uptime_s"] = 12;
  EXPECT_EQ(read_cluster_status(result).value(), read_cluster_status(testing::sample_status_json()).value());
}

}  // namespace
}  // namespace tandem::ctl
