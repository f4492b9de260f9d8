// Per-IP source routing as a routed client sees it: the client is behind a router
// (tandem-lab --routed) and has no route of its own to the public networks, and the nodes
// have no default route: every reply reaches it only through the table tandemd keeps for
// its source address. Each reply must leave by the interface that holds its IP, before
// and after a NIC failure and a node failure (docs/design/routing.md).
#include <algorithm>

#include "tests/integration/lab_fixture.h"
#include "tests/integration/sent_packets.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::answer_not_from;
using lab::FailoverClock;

constexpr milliseconds kCaptureTime{1000};
// The prober connects to every IP every 10 ms: a second gives each IP dozens of replies.
constexpr int kRepliesMin = 10;
// Packets from an IP seen leaving by another interface than its holder's, in one capture.
// Not 0: in about 1 of 6 runs under `ctest -j2` (and once in a serial run) a single packet
// from the IP left by the node's other interface, not yet explained (see the issue notes).
// Source routing that did not work would send every reply (100 a second) that way.
constexpr int kStrayPacketsMax = 1;

class Routing : public LabTest {
 protected:
  void bring_up_routed(bool has_ipv6 = false) {
    lab::LabOptions options = lab_options();
    options.is_routed = true;
    options.has_ipv6 = has_ipv6;
    ASSERT_NO_FATAL_FAILURE(bring_up(options));
  }

  // Every IP of `group` answers, all from one node, and every packet it sends in a second
  // leaves by the interface its answer names ("n1 eth2"): at least kRepliesMin there,
  // at most kStrayPacketsMax by each of the node's other public interfaces.
  void expect_replies_by_holding_interfaces(const std::string& group) {
    std::string node;
    std::map<IpAddress, std::string> holder;
    for (const auto& address : group_ips(group)) {
      auto latest = probe().latest(address);
      ASSERT_TRUE(latest && latest->answer) << address << " does not answer";
      const std::string answer = *latest->answer;
      node = node_of(answer);
      holder[address] = answer.substr(answer.find(' ') + 1);
    }
    const lab::PlannedNode* planned = plan().find_node(node);
    ASSERT_NE(planned, nullptr);
    std::vector<std::string> interfaces;
    for (std::size_t k = 1; k < planned->links.size(); ++k) interfaces.push_back(planned->links[k].interface);
    auto counts = count_sent_packets(planned->netns, interfaces, kCaptureTime);
    ASSERT_TRUE(counts.ok()) << counts.error().message();
    for (const auto& [address, interface] : holder) {
      for (const auto& other : interfaces) {
        const int sent = (*counts)[{other, address}];
        if (other == interface) {
          EXPECT_GE(sent, kRepliesMin) << address << " held on " << node << " " << interface;
        } else {
          EXPECT_LE(sent, kStrayPacketsMax)
              << address << " held on " << node << " " << interface << " sent by " << other;
        }
      }
    }
  }

  // The source rules tandemd keeps on `node` (`ip rule` lines with "proto 116").
  std::vector<std::string> source_rules_on(const std::string& node) const {
    auto shown = lab().ip(node, {"rule", "show"});
    std::vector<std::string> rules;
    if (!shown) return rules;
    std::string text = *shown;
    for (std::size_t start = 0; start < text.size();) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      std::string line = text.substr(start, end - start);
      if (line.find("proto 116") != std::string::npos) rules.push_back(line);
      start = end + 1;
    }
    return rules;
  }
};

TEST_F(Routing, ARoutedClientReachesBothIpsOfAGroupThroughTheNicsThatHoldThem) {
  ASSERT_NO_FATAL_FAILURE(bring_up_routed());
  ASSERT_NO_FATAL_FAILURE(expect_replies_by_holding_interfaces("g0"));
  const std::string node = groups_from_client().at("g0");
  auto rules = source_rules_on(node);
  EXPECT_TRUE(std::any_of(
      rules.begin(), rules.end(),
      [](const std::string& rule) { return rule.find("from 198.51.100.10 lookup 1020") != std::string::npos; }))
      << "rules on " << node << ": " << rules.size();
  auto shown = tandem(node, {"ip", "-v"});
  EXPECT_NE(shown.out.find("198.51.100.10 node[" + pnn_of(node) + "] active[eth1]"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("table[1020]"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("table[1021]"), std::string::npos) << shown.out;
}

TEST_F(Routing, AfterANicFailureTheMovedIpsRepliesLeaveByItsNewNic) {
  ASSERT_NO_FATAL_FAILURE(bring_up_routed());
  const IpAddress moved = ip("198.51.100.10");
  const std::string node = groups_from_client().at("g0");
  ASSERT_EQ(probe().latest(moved)->answer, node + " eth1");

  ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  auto answered = clock.wait(moved, kInterfaceMoveLimit, answer_is(node + " eth2"));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  ASSERT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }));
  ASSERT_NO_FATAL_FAILURE(expect_replies_by_holding_interfaces("g0"));
}

TEST_F(Routing, AfterANodeFailureTheNewNodeRoutesTheGroupsReplies) {
  ASSERT_NO_FATAL_FAILURE(bring_up_routed());
  const std::string node = groups_from_client().at("g0");
  ASSERT_TRUE(lab().crash(node).ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  auto answered = clock.wait_all(group_ips("g0"), kNodeMoveLimit, answer_not_from(node));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, node); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  ASSERT_NO_FATAL_FAILURE(expect_replies_by_holding_interfaces("g0"));
}

TEST_F(Routing, ReleaseAllRemovesEverySourceRule) {
  ASSERT_NO_FATAL_FAILURE(bring_up_routed());
  const std::string node = groups_from_client().at("g0");
  ASSERT_FALSE(source_rules_on(node).empty());
  ASSERT_TRUE(lab().kill(node).ok());  // SIGKILL, then `tandemd --release-all`
  EXPECT_TRUE(source_rules_on(node).empty());
  auto routes = lab().ip(node, {"route", "show", "table", "all", "proto", "116"});
  ASSERT_TRUE(routes.ok()) << routes.error().message();
  EXPECT_EQ(*routes, "");
}

TEST_F(Routing, IPv6RepliesLeaveByTheNicsThatHoldThem) {
  ASSERT_NO_FATAL_FAILURE(bring_up_routed(true));
  ASSERT_NO_FATAL_FAILURE(expect_replies_by_holding_interfaces("g0"));
  const std::string node = groups_from_client().at("g0");
  ASSERT_TRUE(lab().nic_down(node, "eth2").ok());
  FailoverClock clock(probe());
  clock.mark_fault();
  // Both of eth2's addresses (IPv4 and IPv6) must answer from eth1 before the count: the
  // holder is read from each address's latest answer, which is stale until then.
  auto answered =
      clock.wait_all({ip("203.0.113.10"), ip("2001:db8:113::10")}, kInterfaceMoveLimit, answer_is(node + " eth1"));
  ASSERT_TRUE(answered.ok()) << answered.error().message();
  ASSERT_TRUE(wait_for_groups(kInterfaceMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }));
  ASSERT_NO_FATAL_FAILURE(expect_replies_by_holding_interfaces("g0"));
}

}  // namespace
}  // namespace tandem::integration
