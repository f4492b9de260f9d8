#include "ctl/status_json.h"

#include <gtest/gtest.h>

#include "ctl/test_status.h"

namespace tandem::ctl {
namespace {

using nlohmann::json;
using testing::ip;
using testing::name;
using testing::prefix;

TEST(StatusToJson, GivesTheDocumentedSchemaWithDuplicatesAndUnhostedGroupsShown) {
  const json expected = json::parse(R"({
    "this_node": 0, "leader": 1, "epoch": 7, "from_leader": true,
    "nodes": [
      {"pnn": 0, "address": "192.0.2.1", "connected": true, "flags": [], "healthy": true,
       "has_report": true, "this_node": true,
       "interfaces": [{"name": "eth1", "link": "up", "addresses": 1},
                      {"name": "eth2", "link": "up", "addresses": 1}]},
      {"pnn": 1, "address": "192.0.2.2", "connected": true, "flags": ["DISABLED"], "healthy": true,
       "has_report": true, "this_node": false,
       "interfaces": [{"name": "eth1", "link": "up", "addresses": 1},
                      {"name": "eth2", "link": "down", "addresses": 0,
                       "reason": "no reply from 192.0.2.1, 192.0.2.2 for 3 probes"}]},
      {"pnn": 2, "address": "192.0.2.3", "connected": true, "flags": ["UNHEALTHY"], "healthy": false,
       "has_report": true, "this_node": false,
       "interfaces": [{"name": "eth1", "link": "up", "addresses": 1},
                      {"name": "eth2", "link": "up", "addresses": 0}]},
      {"pnn": 3, "address": "192.0.2.4", "connected": false, "flags": ["DISCONNECTED", "DELETED"],
       "healthy": true, "has_report": false, "this_node": false, "interfaces": []}
    ],
    "addresses": [
      {"address": "198.51.100.10", "prefix": 24, "node": 0, "interface": "eth2", "group": "g1", "table": 1020,
       "candidates": [{"pnn": 0, "interfaces": ["eth2", "eth1"]}, {"pnn": 1, "interfaces": ["eth2", "eth1"]}]},
      {"address": "198.51.100.20", "prefix": 24, "node": null, "interface": null, "group": "g2", "table": null,
       "candidates": [{"pnn": 0, "interfaces": ["eth2"]}, {"pnn": 1, "interfaces": ["eth2"]}]},
      {"address": "203.0.113.10", "prefix": 24, "node": 0, "interface": "eth1", "group": "g1", "table": null,
       "candidates": [{"pnn": 0, "interfaces": ["eth1", "eth2"]}, {"pnn": 1, "interfaces": ["eth1", "eth2"]},
                      {"pnn": 2, "interfaces": ["eth1"]}]},
      {"address": "203.0.113.20", "prefix": 24, "node": null, "interface": null, "group": "g2", "table": null,
       "candidates": [{"pnn": 0, "interfaces": ["eth1"]}, {"pnn": 1, "interfaces": ["eth1"]}]},
      {"address": "203.0.113.30", "prefix": 24, "node": 1, "interface": "eth1", "group": "g3", "table": null,
       "candidates": [{"pnn": 0, "interfaces": ["eth1"]}, {"pnn": 1, "interfaces": ["eth1"]},
                      {"pnn": 2, "interfaces": ["eth1"]}],
       "also_on": [{"pnn": 2, "interface": "eth1"}]}
    ],
    "groups": [
      {"name": "g1", "node": 0, "nodes": [0], "addresses": ["203.0.113.10", "198.51.100.10"], "on_path_loss": "move"},
      {"name": "g2", "node": null, "nodes": [], "addresses": ["203.0.113.20", "198.51.100.20"],
       "on_path_loss": "stay"},
      {"name": "g3", "node": null, "nodes": [1, 2], "addresses": ["203.0.113.30"], "on_path_loss": "move"}
    ]})");
  const json actual = testing::sample_status_json();
  EXPECT_EQ(actual, expected) << actual.dump(2);
}

TEST(StatusToJson, SaysNullForNoLeaderAndNotFromLeader) {
  auto reply = testing::sample_status_reply();
  reply.from_leader = false;
  auto context = testing::sample_status_context();
  context.leader.reset();
  const json actual = status_to_json(reply, context);
  EXPECT_TRUE(actual["leader"].is_null());
  EXPECT_EQ(actual["from_leader"], false);
}

TEST(StatusToJson, ListsAHeldAddressThatNoNodeMayHostAndItsUnreportedInterface) {
  proto::NodeStatus node;
  node.node = NodeId(0);
  node.has_report = true;
  node.links = {{name("eth1"), LinkState::kUp}};
  node.held = {{prefix("2001:db8::5/64"), name("eth9")}, {prefix("198.51.100.99/24"), name("eth1")}};
  proto::StatusReply reply;
  reply.nodes = {node};
  StatusContext context;  // node 0 missing from the nodes file; no groups
  const json actual = status_to_json(reply, context);
  EXPECT_TRUE(actual["nodes"][0]["address"].is_null());
  EXPECT_EQ(actual["nodes"][0]["interfaces"], json::parse(R"([{"name": "eth1", "link": "up", "addresses": 1},
                                                              {"name": "eth9", "link": "unknown", "addresses": 1}])"));
  EXPECT_EQ(actual["addresses"], json::parse(R"([
    {"address": "198.51.100.99", "prefix": 24, "node": 0, "interface": "eth1", "group": null, "table": null, "candidates": []},
    {"address": "2001:db8::5", "prefix": 64, "node": 0, "interface": "eth9", "group": null, "table": null, "candidates": []}])"));
  EXPECT_EQ(actual["groups"], json::array());
}

TEST(StatusToJson, ListsNodesByPnnWhateverTheReplyOrder) {
  auto reply = testing::sample_status_reply();
  std::swap(reply.nodes[0], reply.nodes[3]);
  EXPECT_EQ(status_to_json(reply, testing::sample_status_context()), testing::sample_status_json());
}

}  // namespace
}  // namespace tandem::ctl
