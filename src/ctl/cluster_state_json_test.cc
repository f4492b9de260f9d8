#include "ctl/cluster_state_json.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace tandem::ctl {
namespace {

// The issue's example: one node with its own list, a group of two, one current placement.
constexpr std::string_view kExample = R"({
  "tunables": {"IPAllocAlgorithm": "lcp2", "NoIPFailback": 0, "NoIPHostOnAllDisabled": 0, "NoIPTakeover": 0},
  "addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1", "eth2"]}],
  "nodes": [{"pnn": 0, "flags": [], "interfaces": {"eth1": "up", "eth2": "down"},
             "addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1", "eth2"]}]}],
  "groups": [{"name": "target1", "ips": ["198.51.100.10@eth1", "198.51.100.11@eth2"]}],
  "current": {"198.51.100.10": {"pnn": 0, "interface": "eth1"}}})";

// Two addresses for every node, three nodes; tests append one key to break or extend it.
std::string state_with(std::string_view extra) {
  return R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1", "eth2"]},
                           {"ip": "198.51.100.11/24", "interfaces": ["eth1", "eth2"]}],
             "nodes": [{"pnn": 0, "interfaces": {"eth1": "up", "eth2": "up"}},
                       {"pnn": 1, "interfaces": {"eth1": "up", "eth2": "up"}},
                       {"pnn": 2, "interfaces": {"eth1": "up", "eth2": "up"}}])" +
         std::string(extra) + "}";
}

// The message of the error that parsing `json_text` must give.
std::string error_of(std::string_view json_text) {
  auto request = parse_cluster_state(json_text);
  if (request.ok()) return "(no error)";
  return request.error().message();
}

IpAddress ip(std::string_view text) { return IpAddress::parse(text).value(); }

// --- what a good state gives ---

TEST(ParseClusterState, ReadsTheIssueExample) {
  auto request = parse_cluster_state(kExample);
  ASSERT_TRUE(request.ok()) << request.error();
  ASSERT_EQ(request->view.nodes.size(), 1u);
  const NodeView& node = request->view.nodes[0];
  EXPECT_EQ(node.pnn, NodeId(0));
  EXPECT_TRUE(node.flags.is_healthy());
  EXPECT_EQ(node.links.at(InterfaceName("eth1")), LinkState::kUp);
  EXPECT_EQ(node.links.at(InterfaceName("eth2")), LinkState::kDown);
  ASSERT_EQ(node.addresses->size(), 1u);
  EXPECT_EQ((*node.addresses)[0].prefix.to_string(), "198.51.100.10/24");
  ASSERT_EQ(request->view.groups.size(), 1u);
  EXPECT_EQ(request->view.groups[0].members[1].address, ip("198.51.100.11"));
  EXPECT_EQ(request->view.groups[0].members[1].preferred, InterfaceName("eth2"));
  EXPECT_EQ(request->tunables.no_ip_host_on_all_disabled, 0u);
  EXPECT_EQ(request->current.placement_of(ip("198.51.100.10")), (Placement{NodeId(0), InterfaceName("eth1")}));
}

TEST(ParseClusterState, GivesEveryNodeWithoutAddressesTheOneTopLevelList) {
  auto request = parse_cluster_state(state_with(""));
  ASSERT_TRUE(request.ok()) << request.error();
  const auto& nodes = request->view.nodes;
  EXPECT_EQ(nodes[0].addresses->size(), 2u);
  EXPECT_EQ(nodes[0].addresses.get(), nodes[1].addresses.get());
  EXPECT_EQ(nodes[0].addresses.get(), nodes[2].addresses.get());
}

TEST(ParseClusterState, LetsANodesOwnAddressesReplaceTheTopLevelList) {
  auto request = parse_cluster_state(R"({
    "addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1"]}],
    "nodes": [{"pnn": 0},
              {"pnn": 1, "addresses": [{"ip": "203.0.113.5/24", "interfaces": ["eth2"]}]}]})");
  ASSERT_TRUE(request.ok()) << request.error();
  const auto& nodes = request->view.nodes;
  EXPECT_NE(nodes[0].addresses.get(), nodes[1].addresses.get());
  ASSERT_EQ(nodes[1].addresses->size(), 1u);
  EXPECT_EQ((*nodes[1].addresses)[0].address(), ip("203.0.113.5"));
  EXPECT_EQ((*nodes[1].addresses)[0].interfaces, std::vector{InterfaceName("eth2")});
}

TEST(ParseClusterState, GivesNodesAnEmptyListWhenThereAreNoAddressesAtAll) {
  auto request = parse_cluster_state(R"({"nodes": [{"pnn": 0}]})");
  ASSERT_TRUE(request.ok()) << request.error();
  ASSERT_NE(request->view.nodes[0].addresses, nullptr);
  EXPECT_TRUE(request->view.nodes[0].addresses->empty());
}

TEST(ParseClusterState, TakesTunablesAsNumbersOrStrings) {
  auto request = parse_cluster_state(
      state_with(R"(, "tunables": {"IPAllocAlgorithm": "deterministic", "NoIPFailback": "1", "noiptakeover": 1})"));
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_EQ(request->tunables.algorithm(), AllocAlgorithm::kDeterministic);
  EXPECT_EQ(request->tunables.no_ip_failback, 1u);
  EXPECT_EQ(request->tunables.no_ip_takeover, 1u);
}

TEST(ParseClusterState, ReadsFlagsInAnyCase) {
  auto request = parse_cluster_state(R"({"nodes": [{"pnn": 0, "flags": ["disabled", "Banned"]}]})");
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_EQ(request->view.nodes[0].flags, NodeFlags().with(NodeFlags::kDisabled).with(NodeFlags::kBanned));
}

TEST(ParseClusterState, SplitsAGroupMemberAtTheLastAt) {
  auto request = parse_cluster_state(R"({
    "addresses": [{"ip": "2001:db8::10/64", "interfaces": ["eth1", "eth2"]}],
    "nodes": [{"pnn": 0}],
    "groups": [{"name": "t", "ips": ["2001:db8::10@eth2"]}]})");
  ASSERT_TRUE(request.ok()) << request.error();
  const GroupMember& member = request->view.groups[0].members[0];
  EXPECT_EQ(member.address, ip("2001:db8::10"));
  EXPECT_EQ(member.preferred, InterfaceName("eth2"));
}

TEST(ParseClusterState, ReadsAGroupMemberWithoutAtAsHavingNoPreference) {
  auto request = parse_cluster_state(state_with(R"(, "groups": [{"name": "t", "ips": ["198.51.100.10"]}])"));
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_EQ(request->view.groups[0].members[0].preferred, std::nullopt);
}

TEST(ParseClusterState, ReadsANullCurrentEntryAsNotHosted) {
  auto request = parse_cluster_state(state_with(R"(, "current": {"198.51.100.10": null})"));
  ASSERT_TRUE(request.ok()) << request.error();
  const IpAssignment* entry = request->current.find(ip("198.51.100.10"));
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->placement, std::nullopt);
  EXPECT_EQ(entry->unhosted_reason, "not hosted");
}

// --- malformed documents ---

TEST(ParseClusterState, SaysWhereTextStopsBeingJson) {
  EXPECT_EQ(error_of(R"({"nodes": [})"),
            "state: not valid JSON: line 1, column 12: syntax error while parsing value - unexpected '}'; "
            "expected '[', '{', or a literal");
}

TEST(ParseClusterState, RejectsEmptyInputAsNotJson) {
  EXPECT_EQ(error_of("").rfind("state: not valid JSON: line 1, column 1:", 0), 0u) << error_of("");
}

TEST(ParseClusterState, NamesAKeyThatAppearsTwiceInOneObject) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0}, {"pnn": 1, "pnn": 2}]})"),
            "state.nodes[1].pnn: the key appears twice in one object");
}

TEST(ParseClusterState, RejectsAStateThatIsNotAnObject) {
  EXPECT_EQ(error_of("[]"), "state: expected an object, got an array");
}

TEST(ParseClusterState, NamesAnUnknownTopLevelKey) {
  EXPECT_EQ(error_of(state_with(R"(, "tunable": {})")),
            "state.tunable: unknown key (known here: tunables, addresses, nodes, groups, current)");
}

TEST(ParseClusterState, RequiresNodes) { EXPECT_EQ(error_of("{}"), "state: missing \"nodes\""); }

TEST(ParseClusterState, NamesAnUnknownKeyInANode) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0, "adresses": []}]})"),
            "state.nodes[0].adresses: unknown key (known here: pnn, flags, interfaces, addresses)");
}

TEST(ParseClusterState, NamesANodeWithoutPnn) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0}, {"flags": []}]})"), "state.nodes[1]: missing \"pnn\"");
}

TEST(ParseClusterState, NamesAPnnWrittenAsAString) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": "0"}]})"),
            "state.nodes[0].pnn: expected a whole number of 0 or more, got \"0\"");
}

TEST(ParseClusterState, RejectsANegativePnn) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": -1}]})"),
            "state.nodes[0].pnn: expected a whole number of 0 or more, got -1");
}

TEST(ParseClusterState, RejectsAPnnBeyondThirtyTwoBits) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 4294967296}]})"), "state.nodes[0].pnn: pnn 4294967296 is too large");
}

TEST(ParseClusterState, NamesNodesThatAreNotAnArray) {
  EXPECT_EQ(error_of(R"({"nodes": {"pnn": 0}})"), "state.nodes: expected an array, got an object");
}

// --- addresses ---

TEST(ParseClusterState, NamesTheAddressWithABadIp) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1"]},
                                       {"ip": "198.51.100.300/24", "interfaces": ["eth1"]}],
                        "nodes": []})"),
            "state.addresses[1].ip: '198.51.100.300' is not a valid IP address");
}

TEST(ParseClusterState, NamesTheAddressWithABadPrefix) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/33", "interfaces": ["eth1"]}], "nodes": []})"),
            "state.addresses[0].ip: bad prefix length '/33' for IPv4 (0-32)");
}

TEST(ParseClusterState, RejectsAnAddressWithoutPrefix) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10", "interfaces": ["eth1"]}], "nodes": []})"),
            "state.addresses[0].ip: '198.51.100.10' has no prefix length (ADDRESS/PREFIX)");
}

TEST(ParseClusterState, NamesTheAddressOfANodesOwnList) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0, "addresses": [{"ip": "x/24", "interfaces": ["eth1"]}]}]})"),
            "state.nodes[0].addresses[0].ip: 'x' is not a valid IP address");
}

TEST(ParseClusterState, NamesInterfacesGivenAsOneStringInsteadOfAList) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": "eth1"}], "nodes": []})"),
            "state.addresses[0].interfaces: expected an array, got \"eth1\"");
}

TEST(ParseClusterState, RejectsAnInterfaceListPastedAsOneName) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1,eth2"]}], "nodes": []})"),
            "state.addresses[0].interfaces[0]: 'eth1,eth2' is not an interface name "
            "(1 to 15 characters, no spaces, '/', ':', '@' or ',')");
}

TEST(ParseClusterState, RejectsAnAddressWithNoInterfaces) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": []}], "nodes": []})"),
            "state.addresses[0].interfaces: an address needs at least one interface");
}

TEST(ParseClusterState, NamesAnAddressListedTwiceInOneList) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interfaces": ["eth1"]},
                                       {"ip": "198.51.100.10/25", "interfaces": ["eth2"]}],
                        "nodes": []})"),
            "state.addresses[1]: 198.51.100.10 is listed twice");
}

TEST(ParseClusterState, NamesAnUnknownKeyInAnAddress) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "198.51.100.10/24", "interface": ["eth1"]}], "nodes": []})"),
            "state.addresses[0].interface: unknown key (known here: ip, interfaces)");
}

// --- flags, links, tunables ---

TEST(ParseClusterState, NamesTheFlagThatIsUnknown) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0, "flags": ["DISABLED", "SLEEPY"]}]})"),
            "state.nodes[0].flags[1]: unknown node flag 'SLEEPY' "
            "(known: DISCONNECTED, UNHEALTHY, DISABLED, BANNED, DELETED, STOPPED)");
}

TEST(ParseClusterState, NamesTheNodeAndInterfaceOfABadLinkState) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0}, {"pnn": 1},
                                   {"pnn": 2, "interfaces": {"eth0": "up", "eth1": "sideways"}}]})"),
            "state.nodes[2].interfaces.eth1: expected \"up\" or \"down\", got \"sideways\"");
}

TEST(ParseClusterState, RejectsALinkStateGivenAsABoolean) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0, "interfaces": {"eth1": true}}]})"),
            "state.nodes[0].interfaces.eth1: expected \"up\" or \"down\", got true");
}

TEST(ParseClusterState, QuotesAnInterfaceNameThatIsNotAPlainWord) {
  EXPECT_EQ(error_of(R"({"nodes": [{"pnn": 0, "interfaces": {"eth1.100": "UP"}}]})"),
            "state.nodes[0].interfaces[\"eth1.100\"]: expected \"up\" or \"down\", got \"UP\"");
}

TEST(ParseClusterState, NamesAnUnknownTunable) {
  EXPECT_EQ(error_of(state_with(R"(, "tunables": {"NoIPFailbak": 1})")),
            "state.tunables.NoIPFailbak: unknown tunable 'NoIPFailbak'");
}

TEST(ParseClusterState, NamesATunableOutOfRange) {
  EXPECT_EQ(error_of(state_with(R"(, "tunables": {"NoIPFailback": 2})")),
            "state.tunables.NoIPFailback: tunable NoIPFailback = 2 is out of range 0..1");
}

TEST(ParseClusterState, RejectsATunableThatIsNeitherNumberNorString) {
  EXPECT_EQ(error_of(state_with(R"(, "tunables": {"NoIPFailback": true})")),
            "state.tunables.NoIPFailback: expected a whole number of 0 or more, or a string, got true");
}

TEST(ParseClusterState, RejectsAnAlgorithmNameItDoesNotKnow) {
  EXPECT_EQ(error_of(state_with(R"(, "tunables": {"IPAllocAlgorithm": "fastest"})")),
            "state.tunables.IPAllocAlgorithm: tunable IPAllocAlgorithm needs a number, not 'fastest' "
            "(or deterministic, nondeterministic, lcp2)");
}

// --- groups ---

TEST(ParseClusterState, NamesTheGroupMemberWithABadAddress) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ips": ["198.51.100.10@eth1", "198.51.100.300"]}])")),
            "state.groups[0].ips[1]: '198.51.100.300' is not a valid IP address");
}

TEST(ParseClusterState, NamesTheGroupMemberWithNothingAfterTheAt) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ips": ["198.51.100.10@"]}])")),
            "state.groups[0].ips[0]: no interface after '@' (ADDRESS@INTERFACE)");
}

TEST(ParseClusterState, NamesTheGroupMemberPreferringAnInterfaceNoNodeAllows) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ips": ["198.51.100.10@eth1", "198.51.100.11@eht2"]}])")),
            "state.groups[0].ips[1]: no node allows 198.51.100.11 on interface 'eht2' (allowed: eth1, eth2)");
}

TEST(ParseClusterState, NamesAGroupWithoutIps) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ips": []}])")),
            "state.groups[0].ips: a group needs at least one IP");
}

TEST(ParseClusterState, NamesAnUnknownKeyInAGroup) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ip": []}])")),
            "state.groups[0].ip: unknown key (known here: name, ips, on_path_loss)");
}

TEST(ParseClusterState, ReadsAGroupsOnPathLossPolicy) {
  auto request = parse_cluster_state(state_with(
      R"(, "groups": [{"name": "t", "ips": ["198.51.100.10"], "on_path_loss": "stay"},
                      {"name": "u", "ips": ["198.51.100.11"]}])"));
  ASSERT_TRUE(request.ok()) << request.error();
  EXPECT_EQ(request->view.groups[0].on_path_loss, PathLossPolicy::kStay);
  EXPECT_EQ(request->view.groups[1].on_path_loss, PathLossPolicy::kMove);
}

TEST(ParseClusterState, NamesAnUnknownOnPathLossPolicy) {
  EXPECT_EQ(error_of(state_with(R"(, "groups": [{"name": "t", "ips": ["198.51.100.10"], "on_path_loss": "split"}])")),
            "state.groups[0].on_path_loss: expected \"move\" or \"stay\", got \"split\"");
}

// --- current ---

TEST(ParseClusterState, NamesACurrentEntryForAnAddressNoNodeHas) {
  EXPECT_EQ(error_of(state_with(R"(, "current": {"198.51.100.99": {"pnn": 0, "interface": "eth1"}})")),
            "state.current[\"198.51.100.99\"]: 198.51.100.99 is not a public address of any node");
}

TEST(ParseClusterState, NamesACurrentEntryOnANodeThatDoesNotExist) {
  EXPECT_EQ(error_of(state_with(R"(, "current": {"198.51.100.10": {"pnn": 7, "interface": "eth1"}})")),
            "state.current[\"198.51.100.10\"].pnn: no node has pnn 7");
}

TEST(ParseClusterState, NamesACurrentEntryKeyedWithAPrefix) {
  EXPECT_EQ(error_of(state_with(R"(, "current": {"198.51.100.10/24": null})")),
            "state.current[\"198.51.100.10/24\"]: '198.51.100.10/24' is not a valid IP address");
}

// Keys are read in sorted order (nlohmann keeps objects in a std::map), so the lower-case
// spelling is the second one seen.
TEST(ParseClusterState, RejectsTwoSpellingsOfOneCurrentAddress) {
  EXPECT_EQ(error_of(R"({"addresses": [{"ip": "2001:db8::10/64", "interfaces": ["eth1"]}],
                        "nodes": [{"pnn": 0}],
                        "current": {"2001:DB8::10": null, "2001:db8::10": null}})"),
            "state.current[\"2001:db8::10\"]: 2001:db8::10 is listed twice, spelled two ways");
}

TEST(ParseClusterState, NamesACurrentEntryThatIsNeitherAPlacementNorNull) {
  EXPECT_EQ(error_of(state_with(R"(, "current": {"198.51.100.10": 0})")),
            "state.current[\"198.51.100.10\"]: expected {\"pnn\": ..., \"interface\": ...} or null, got 0");
}

TEST(ParseClusterState, NamesACurrentEntryWithoutInterface) {
  EXPECT_EQ(error_of(state_with(R"(, "current": {"198.51.100.10": {"pnn": 0}})")),
            "state.current[\"198.51.100.10\"]: missing \"interface\"");
}

// --- what validate() finds ---

TEST(ParseClusterState, ReportsWhatValidateFindsUnderTheStateRoot) {
  auto request = parse_cluster_state(R"({"nodes": [{"pnn": 0}, {"pnn": 0}]})");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.error().place, "state.nodes[1]");
}

// --- output ---

Assignment assignment_of(std::vector<IpAssignment> ips) { return Assignment(std::move(ips)); }

IpAssignment hosted(std::string_view address, std::uint32_t pnn, std::string_view interface) {
  return IpAssignment{ip(address), Placement{NodeId(pnn), InterfaceName(std::string(interface))}, ""};
}

IpAssignment unhosted(std::string_view address, std::string_view reason) {
  return IpAssignment{ip(address), std::nullopt, std::string(reason)};
}

TEST(RenderAssignment, WritesAHostedAddressAsItsNodeAndInterface) {
  EXPECT_EQ(render_assignment(assignment_of({hosted("198.51.100.10", 3, "eth2")}), Assignment()),
            "{\n"
            "  \"assignment\": {\n"
            "    \"198.51.100.10\": {\n"
            "      \"pnn\": 3,\n"
            "      \"interface\": \"eth2\"\n"
            "    }\n"
            "  },\n"
            "  \"unhosted\": {},\n"
            "  \"moves\": 1\n"
            "}\n");
}

TEST(RenderAssignment, WritesAnUnhostedAddressAsNullAndGivesTheReason) {
  EXPECT_EQ(render_assignment(assignment_of({unhosted("198.51.100.11", "all its interfaces are down")}), Assignment()),
            "{\n"
            "  \"assignment\": {\n"
            "    \"198.51.100.11\": null\n"
            "  },\n"
            "  \"unhosted\": {\n"
            "    \"198.51.100.11\": \"all its interfaces are down\"\n"
            "  },\n"
            "  \"moves\": 0\n"
            "}\n");
}

TEST(RenderAssignment, KeysAddressesWithoutPrefixInAddressOrder) {
  const std::string text =
      render_assignment(assignment_of({hosted("2001:db8::1", 0, "eth1"), hosted("198.51.100.9", 0, "eth1"),
                                       hosted("198.51.100.10", 1, "eth1")}),
                        Assignment());
  const auto nine = text.find("\"198.51.100.9\"");
  const auto ten = text.find("\"198.51.100.10\"");
  const auto six = text.find("\"2001:db8::1\"");
  ASSERT_NE(six, std::string::npos);
  EXPECT_LT(nine, ten);
  EXPECT_LT(ten, six);
}

TEST(RenderAssignment, CountsAsMovesTheAddressesWhosePlacementChanged) {
  const Assignment current = assignment_of(
      {hosted("198.51.100.10", 0, "eth1"), hosted("198.51.100.11", 0, "eth1"), hosted("198.51.100.12", 0, "eth1")});
  const Assignment result = assignment_of({hosted("198.51.100.10", 0, "eth1"), hosted("198.51.100.11", 0, "eth2"),
                                           unhosted("198.51.100.12", "node 0 is banned")});
  EXPECT_NE(render_assignment(result, current).find("\"moves\": 2\n"), std::string::npos);
}

}  // namespace
}  // namespace tandem::ctl
