#include "lab/lab_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "config/cluster_check.h"
#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "config/public_addresses_file.h"
#include "config/settings.h"
#include "lab/lab_commands.h"

namespace tandem::lab {
namespace {

LabPlan plan_of(LabOptions options) {
  auto plan = make_lab_plan(options);
  EXPECT_TRUE(plan.ok()) << (plan.ok() ? "" : plan.error().message());
  return plan.ok() ? *plan : LabPlan{};
}

LabPlan default_plan() { return plan_of(LabOptions{}); }

const PlannedFile& file_at(const LabPlan& plan, const std::string& path) {
  auto found = std::find_if(plan.files.begin(), plan.files.end(), [&](const PlannedFile& f) { return f.path == path; });
  EXPECT_NE(found, plan.files.end()) << path;
  return *found;
}

std::vector<std::string> interface_names(const LabPlan& plan) {
  std::vector<std::string> names(plan.bridges);
  names.insert(names.end(), {plan.inter_switch_link->port_a, plan.inter_switch_link->port_b, plan.client_link.port,
                             plan.client_link.interface});
  for (const auto& node : plan.nodes) {
    for (const auto& link : node.links) names.insert(names.end(), {link.port, link.interface});
  }
  return names;
}

TEST(TunableArgument, SplitsAtTheFirstEqualsSign) {
  auto assignment = parse_tunable_argument("DeadTimeoutMs=150");
  ASSERT_TRUE(assignment.ok());
  EXPECT_EQ(*assignment, (std::pair<std::string, std::string>("DeadTimeoutMs", "150")));
  EXPECT_EQ(parse_tunable_argument("A=b=c")->second, "b=c");
}

TEST(TunableArgument, WithoutEqualsSignIsRefusedNamingTheArgument) {
  auto assignment = parse_tunable_argument("DeadTimeoutMs");
  ASSERT_FALSE(assignment.ok());
  EXPECT_EQ(assignment.error().message(), "--tunable DeadTimeoutMs: expected Name=Value");
}

TEST(LabPlan, NamesEveryNamespaceFromThePrefix) {
  LabOptions options;
  options.prefix = "tdm-t123";
  auto plan = plan_of(options);
  EXPECT_EQ(plan.namespaces(),
            (std::vector<std::string>{"tdm-t123-sw", "tdm-t123-client", "tdm-t123-n0", "tdm-t123-n1", "tdm-t123-n2"}));
  EXPECT_EQ(plan.state_dir, "/run/tdm-t123");
  EXPECT_EQ(plan.nodes[1].paths.config, "/run/tdm-t123/n1/tandem.conf");
  EXPECT_EQ(plan.lock_file, "/run/tdm-t123/shared/cluster.lock");
}

TEST(LabPlan, KeepsEveryInterfaceNameWithinFifteenCharacters) {
  LabOptions options;
  options.prefix = std::string(kPrefixLengthMax, 'x');
  options.node_count = kNodeCountMax;
  options.public_interface_count = kPublicInterfaceCountMax;
  options.group_count = 10;
  auto plan = plan_of(options);
  auto names = interface_names(plan);
  for (const auto& name : names) EXPECT_LE(name.size(), 15u) << name;
  std::set<std::string> ports;
  for (const auto& node : plan.nodes) {
    for (const auto& link : node.links) EXPECT_TRUE(ports.insert(link.port).second) << "two ports named " << link.port;
  }
}

TEST(LabPlan, WiresEthOneToSwitchAEthTwoToSwitchBAndEthZeroToThePrivateNetwork) {
  LabOptions options;
  options.public_interface_count = 3;
  auto plan = plan_of(options);
  const auto& links = plan.nodes[2].links;
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0], (PlannedLink{"n2e0", "swp", "eth0", "02:00:00:00:02:00"}));
  EXPECT_EQ(links[1], (PlannedLink{"n2e1", "swa", "eth1", "02:00:00:00:02:01"}));
  EXPECT_EQ(links[2].bridge, "swb");
  EXPECT_EQ(links[3].bridge, "swa");
  EXPECT_EQ(plan.client_link.bridge, "swa");
  EXPECT_EQ(plan.inter_switch_link, (PlannedSwitchLink{"isl-a", "swa", "isl-b", "swb"}));
  EXPECT_EQ(plan.client_fabric_b_link, std::nullopt);
  EXPECT_EQ(plan.nodes[2].private_address.to_string(), "192.0.2.3/24");
}

TEST(LabPlan, GivesEachGroupOneAddressPerPublicInterfaceOnItsSubnet) {
  LabOptions options;
  options.public_interface_count = 3;
  options.group_count = 3;
  auto plan = plan_of(options);
  ASSERT_EQ(plan.groups.size(), 3u);
  const auto& g1 = plan.groups[1];
  EXPECT_EQ(g1.name, "g1");
  ASSERT_EQ(g1.addresses.size(), 3u);
  EXPECT_EQ(g1.addresses[0], (PlannedAddress{IpPrefix::parse("198.51.100.11/24").value(), "g1", "eth1"}));
  EXPECT_EQ(g1.addresses[1], (PlannedAddress{IpPrefix::parse("203.0.113.11/24").value(), "g1", "eth2"}));
  EXPECT_EQ(g1.addresses[2], (PlannedAddress{IpPrefix::parse("198.51.100.14/24").value(), "g1", "eth3"}));
}

TEST(LabPlan, AddsIpv6AddressesAndClientAddressesWhenAsked) {
  LabOptions options;
  options.has_ipv6 = true;
  auto plan = plan_of(options);
  ASSERT_EQ(plan.groups[0].addresses.size(), 4u);
  EXPECT_EQ(plan.groups[0].addresses[2].prefix.to_string(), "2001:db8:100::10/64");
  EXPECT_EQ(plan.groups[0].addresses[3].prefix.to_string(), "2001:db8:113::10/64");
  EXPECT_EQ(plan.client_addresses.size(), 4u);
}

LabPlan routed_plan(bool has_ipv6) {
  LabOptions options;
  options.prefix = "tdm-r1";
  options.is_routed = true;
  options.has_ipv6 = has_ipv6;
  return plan_of(options);
}

TEST(LabPlan, RoutedPutsTheClientBehindARouterWithALegOnEverySwitch) {
  auto plan = routed_plan(false);
  EXPECT_EQ(plan.router_netns, "tdm-r1-router");
  EXPECT_EQ(plan.namespaces()[2], "tdm-r1-router");
  EXPECT_TRUE(is_lab_namespace("tdm-r1", "tdm-r1-router"));
  EXPECT_EQ(plan.client_link.bridge, "swc");
  std::vector<std::string> bridges;
  for (const auto& link : plan.router_links) bridges.push_back(link.bridge);
  EXPECT_EQ(bridges, (std::vector<std::string>{"swa", "swb", "swc"}));
  EXPECT_EQ(plan.router_addresses, (std::vector<PlannedAddressOn>{{IpPrefix::parse("198.51.100.1/24").value(), "ra"},
                                                                  {IpPrefix::parse("203.0.113.1/24").value(), "rb"},
                                                                  {IpPrefix::parse("192.0.2.129/25").value(), "rc"}}));
  EXPECT_NE(std::find(plan.router_sysctls.begin(), plan.router_sysctls.end(), "net.ipv4.ip_forward=1"),
            plan.router_sysctls.end());
}

TEST(LabPlan, RoutedClientHasNoAddressOnThePublicNetworksOnlyADefaultRoute) {
  auto plan = routed_plan(true);
  EXPECT_EQ(plan.client_addresses, (std::vector<IpPrefix>{IpPrefix::parse("192.0.2.254/25").value(),
                                                          IpPrefix::parse("2001:db8:c1::254/64").value()}));
  EXPECT_EQ(plan.client_gateways, (std::vector<std::string>{"192.0.2.129", "2001:db8:c1::1"}));
  const auto commands = setup_commands(plan);
  const bool routes_by_router = std::any_of(commands.begin(), commands.end(), [](const Command& c) {
    return c.text() == "ip -n tdm-r1-client -4 route add default via 192.0.2.129";
  });
  EXPECT_TRUE(routes_by_router);
}

TEST(LabPlan, RoutedNodesKeepTheClientNetworkOutOfTheirPrivateSubnet) {
  auto plan = routed_plan(false);
  EXPECT_EQ(plan.nodes[2].private_address, IpPrefix::parse("192.0.2.3/25").value());
  LabOptions too_many;
  too_many.is_routed = true;
  too_many.node_count = kRoutedNodeCountMax + 1;
  EXPECT_FALSE(make_lab_plan(too_many).ok());
}

TEST(LabPlan, RoutedNodesGetAGatewayForEveryPublicNetwork) {
  auto plan = routed_plan(true);
  auto settings = config::parse_settings(file_at(plan, plan.nodes[0].paths.config).text, "tandem.conf");
  ASSERT_TRUE(settings.ok()) << settings.error().message();
  const auto& routing = settings->routing;
  ASSERT_EQ(routing.networks.size(), 4u);
  EXPECT_EQ(routing.networks[0].gateway, IpAddress::parse("198.51.100.1").value());
  EXPECT_EQ(routing.networks[3].gateway, IpAddress::parse("2001:db8:113::1").value());
  for (const auto& address : plan.public_addresses()) {
    EXPECT_TRUE(config::routing_table_of(routing, address.prefix.address).has_value()) << address.prefix.to_string();
  }
}

TEST(LabPlan, UnroutedNodesHaveNoRouting) {
  auto plan = default_plan();
  EXPECT_TRUE(plan.router_netns.empty());
  auto settings = config::parse_settings(file_at(plan, plan.nodes[0].paths.config).text, "tandem.conf");
  ASSERT_TRUE(settings.ok());
  EXPECT_FALSE(settings->routing.is_enabled());
}

TEST(LabPlan, WritesTheNodesFileInNodeOrder) {
  auto plan = default_plan();
  EXPECT_EQ(file_at(plan, plan.nodes_file).text, "192.0.2.1\n192.0.2.2\n192.0.2.3\n");
  auto nodes = config::parse_nodes(file_at(plan, plan.nodes_file).text, "nodes");
  ASSERT_TRUE(nodes.ok());
  EXPECT_EQ(nodes->size(), 3u);
}

TEST(LabPlan, WritesIpGroupsWithPreferredInterfaces) {
  auto plan = default_plan();
  EXPECT_EQ(file_at(plan, plan.ip_groups_file).text,
            "# ip_groups of lab tdm-lab (written by tandem-lab)\n"
            "g0 198.51.100.10@eth1 203.0.113.10@eth2\n"
            "g1 198.51.100.11@eth1 203.0.113.11@eth2\n"
            "g2 198.51.100.12@eth1 203.0.113.12@eth2\n");
}

TEST(LabPlan, AllowsEveryPublicAddressOnEveryPublicInterface) {
  auto plan = default_plan();
  const auto& text = file_at(plan, plan.nodes[0].paths.public_addresses).text;
  EXPECT_NE(text.find("\n198.51.100.10/24 eth1,eth2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n203.0.113.12/24 eth1,eth2\n"), std::string::npos) << text;
  auto parsed = config::parse_public_addresses(text, "public_addresses");
  ASSERT_TRUE(parsed.ok()) << parsed.error().message();
  EXPECT_EQ(parsed->size(), 6u);
}

TEST(LabPlan, WritesFilesThatTogetherPassTheClusterCheckWithJoinedOrSeparateFabrics) {
  for (bool has_separate_fabrics : {false, true}) {
    LabOptions options;
    options.public_interface_count = 3;
    options.has_ipv6 = true;
    options.has_separate_fabrics = has_separate_fabrics;
    options.on_path_loss = PathLossPolicy::kStay;
    auto plan = plan_of(options);
    auto groups = config::parse_ip_groups(file_at(plan, plan.ip_groups_file).text, "ip_groups");
    ASSERT_TRUE(groups.ok()) << groups.error().message();
    EXPECT_EQ(groups->entries[0].group.on_path_loss, PathLossPolicy::kStay);
    std::vector<config::NodeAddresses> nodes;
    for (const auto& node : plan.nodes) {
      auto addresses =
          config::parse_public_addresses(file_at(plan, node.paths.public_addresses).text, "public_addresses");
      ASSERT_TRUE(addresses.ok()) << addresses.error().message();
      nodes.push_back({NodeId(static_cast<std::uint32_t>(node.index)), *addresses});
    }
    auto checked = config::validate_cluster(*groups, nodes);
    EXPECT_TRUE(checked.ok()) << (has_separate_fabrics ? "separate: " : "joined: ") << checked.error().message();
  }
}

TEST(LabPlan, WritesTandemConfPointingIntoTheStateDir) {
  LabOptions options;
  options.tunables = {{"NoIPFailback", "1"}, {"IPAllocAlgorithm", "deterministic"}};
  auto plan = plan_of(options);
  const auto& node = plan.nodes[1];
  auto settings = config::parse_settings(file_at(plan, node.paths.config).text, "tandem.conf");
  ASSERT_TRUE(settings.ok()) << settings.error().message();
  EXPECT_EQ(settings->node_address, IpAddress::parse("192.0.2.2").value());
  EXPECT_EQ(settings->paths, (config::Paths{"/run/tdm-lab/shared/nodes", "/run/tdm-lab/n1/public_addresses",
                                            "/run/tdm-lab/shared/ip_groups", "/run/tdm-lab/n1/events.d",
                                            "/run/tdm-lab/n1/state", "/run/tdm-lab/n1/tandemd.sock"}));
  EXPECT_EQ(
      settings->cluster_lock,
      (config::ClusterLockSetting{config::ClusterLockSetting::Kind::kFile, "/run/tdm-lab/shared/cluster.lock", {}}));
  EXPECT_EQ(settings->key_file, "/run/tdm-lab/shared/cluster.key");
  EXPECT_EQ(settings->tunables.no_ip_failback, 1u);
  EXPECT_EQ(settings->tunables.algorithm(), AllocAlgorithm::kDeterministic);
}

TEST(LabPlan, LetsTheDaemonsManageTheHostSettingsUnlessTurnedOff) {
  auto on = plan_of(LabOptions{});
  EXPECT_TRUE(config::parse_settings(file_at(on, on.nodes[0].paths.config).text, "tandem.conf")->manage_host_settings);
  LabOptions options;
  options.manages_host_settings = false;
  auto off = plan_of(options);
  auto settings = config::parse_settings(file_at(off, off.nodes[0].paths.config).text, "tandem.conf");
  ASSERT_TRUE(settings.ok()) << settings.error().message();
  EXPECT_FALSE(settings->manage_host_settings);
}

TEST(LabPlan, ProbesTheClientsAddressOnEachInterfacesNetworkUnlessTurnedOff) {
  LabOptions options;
  options.has_ipv6 = true;
  auto plan = plan_of(options);
  auto settings = config::parse_settings(file_at(plan, plan.nodes[0].paths.config).text, "tandem.conf");
  ASSERT_TRUE(settings.ok()) << settings.error().message();
  const auto address = [](std::string_view text) { return IpAddress::parse(text).value(); };
  ASSERT_EQ(settings->reachability.size(), 2u);
  EXPECT_EQ(settings->reachability[0].interface, InterfaceName("eth1"));
  EXPECT_EQ(settings->reachability[0].targets,
            (std::vector<IpAddress>{address("198.51.100.254"), address("2001:db8:100::254")}));
  EXPECT_EQ(settings->reachability[1].interface, InterfaceName("eth2"));
  EXPECT_EQ(settings->reachability[1].targets,
            (std::vector<IpAddress>{address("203.0.113.254"), address("2001:db8:113::254")}));
  options.has_probes = false;
  auto off = plan_of(options);
  EXPECT_TRUE(
      config::parse_settings(file_at(off, off.nodes[0].paths.config).text, "tandem.conf")->reachability.empty());
}

TEST(LabPlan, MakesEveryDirectoryBeforeTheFilesInIt) {
  auto plan = default_plan();
  for (const auto& file : plan.files) {
    std::string dir = file.path.substr(0, file.path.rfind('/'));
    EXPECT_NE(std::find(plan.directories.begin(), plan.directories.end(), dir), plan.directories.end()) << file.path;
  }
  EXPECT_EQ(plan.directories.front(), plan.state_dir);
}

TEST(LabPlan, RefusesBadOptions) {
  auto refuses = [](LabOptions options, const std::string& place) {
    auto plan = make_lab_plan(options);
    ASSERT_FALSE(plan.ok());
    EXPECT_EQ(plan.error().place, place) << plan.error().message();
  };
  LabOptions options;
  options.prefix = "Bad/Prefix";
  refuses(options, "--prefix");
  options = {};
  options.prefix = "";
  refuses(options, "--prefix");
  options = {};
  options.node_count = 0;
  refuses(options, "--nodes");
  options = {};
  options.public_interface_count = 0;
  refuses(options, "--nics");
  options = {};
  options.group_count = 500;
  refuses(options, "--groups");
  options = {};
  options.tunables = {{"NoSuchTunable", "1"}};
  refuses(options, "--tunable");
}

// The router has a leg on each switch: with it, separate fabrics would not be separate.
TEST(LabPlan, RefusesARoutedClientWithSeparateFabrics) {
  LabOptions options;
  options.is_routed = true;
  options.has_separate_fabrics = true;
  auto plan = make_lab_plan(options);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message(), "--routed: cannot be combined with --fabrics separate");
}

TEST(LabPlan, FindsNodesByNameOrNumber) {
  auto plan = default_plan();
  ASSERT_NE(plan.find_node("n2"), nullptr);
  EXPECT_EQ(plan.find_node("n2")->index, 2);
  EXPECT_EQ(plan.find_node("1")->name, "n1");
  EXPECT_EQ(plan.find_node("n3"), nullptr);
  EXPECT_EQ(plan.find_node("x"), nullptr);
}

TEST(IsLabNamespace, ClaimsOnlyItsOwnNames) {
  EXPECT_TRUE(is_lab_namespace("tdm-lab", "tdm-lab-sw"));
  EXPECT_TRUE(is_lab_namespace("tdm-lab", "tdm-lab-client"));
  EXPECT_TRUE(is_lab_namespace("tdm-lab", "tdm-lab-n12"));
  EXPECT_FALSE(is_lab_namespace("tdm-lab", "tdm-lab-2-sw"));
  EXPECT_FALSE(is_lab_namespace("tdm-lab", "tdm-lab-n1-sw"));
  EXPECT_FALSE(is_lab_namespace("tdm-lab", "tdm-lab-n"));
  EXPECT_FALSE(is_lab_namespace("tdm-lab", "tdm-labsw"));
  EXPECT_FALSE(is_lab_namespace("tdm-t1", "tdm-t12-sw"));
  EXPECT_FALSE(is_lab_namespace("", "-sw"));
}

// The namespaces a command names: after -n, after `netns add|exec`, after a veth's `netns`.
std::vector<std::string> named_namespaces(const Command& command) {
  const auto& argv = command.argv;
  std::vector<std::string> names;
  for (std::size_t i = 1; i + 1 < argv.size(); ++i) {
    if (argv[i] == "-n") {
      names.push_back(argv[i + 1]);
    } else if (argv[i] == "netns") {
      bool is_verb = argv[i + 1] == "add" || argv[i + 1] == "exec";
      if (!is_verb) names.push_back(argv[i + 1]);
      if (is_verb && i + 2 < argv.size()) names.push_back(argv[i + 2]);
    }
  }
  return names;
}

TEST(SetupCommands, TouchOnlyTheLabsOwnNamespaces) {
  auto plan = default_plan();
  for (const auto& command : setup_commands(plan)) {
    EXPECT_EQ(command.argv.front(), "ip") << command.text();
    auto names = named_namespaces(command);
    EXPECT_FALSE(names.empty()) << "runs in the root namespace: " << command.text();
    for (const auto& name : names) EXPECT_TRUE(is_lab_namespace(plan.options.prefix, name)) << command.text();
  }
}

TEST(SetupCommands, LeaveTheNodesSysctlsToTheDaemon) {
  // A stock host: tandemd sets what its public interfaces need (docs/design/network-paths.md).
  for (const bool has_ipv6 : {false, true}) {
    auto options = default_plan().options;
    options.has_ipv6 = has_ipv6;
    auto commands = setup_commands(make_lab_plan(options).value());
    for (const auto& command : commands) {
      const std::string text = command.text();
      EXPECT_TRUE(text.find("sysctl") == std::string::npos || text.find("tdm-lab-client") != std::string::npos) << text;
    }
  }
}

TEST(SetupCommands, SetTheClientsSysctlsBeforeAnyInterfaceMovesIn) {
  auto options = default_plan().options;
  options.has_ipv6 = true;
  auto commands = setup_commands(make_lab_plan(options).value());
  auto text_index = [&](const std::string& needle) {
    for (std::size_t i = 0; i < commands.size(); ++i) {
      if (commands[i].text().find(needle) != std::string::npos) return i;
    }
    return commands.size();
  };
  std::size_t sysctl = text_index("ip netns exec tdm-lab-client sysctl -q -w");
  ASSERT_LT(sysctl, commands.size());
  EXPECT_LT(sysctl, text_index("type veth peer name eth0"));
  EXPECT_NE(commands[sysctl].text().find("net.ipv6.conf.default.accept_dad=0"), std::string::npos);
}

TEST(SetupCommands, CreateEachNodeLinkAsAVethPairIntoTheNode) {
  auto plan = default_plan();
  auto commands = setup_commands(plan);
  Command expected = ip_in("tdm-lab-sw", {"link", "add", "n1e2", "type", "veth", "peer", "name", "eth2", "address",
                                          "02:00:00:00:01:02", "netns", "tdm-lab-n1"});
  EXPECT_NE(std::find(commands.begin(), commands.end(), expected), commands.end());
  Command address = ip_in("tdm-lab-n1", {"addr", "add", "192.0.2.2/24", "dev", "eth0"});
  EXPECT_NE(std::find(commands.begin(), commands.end(), address), commands.end());
}

TEST(FaultCommands, PullTheCableAtTheSwitchSide) {
  auto plan = default_plan();
  EXPECT_EQ(set_port_command(plan, plan.nodes[0], 1, false).text(), "ip -n tdm-lab-sw link set n0e1 down");
  EXPECT_EQ(attach_private_port_command(plan, plan.nodes[2], "swq").text(),
            "ip -n tdm-lab-sw link set n2e0 master swq");
  auto forget = forget_public_state_commands(plan.nodes[1]);
  ASSERT_EQ(forget.size(), 3u);
  EXPECT_EQ(forget[0].text(), "ip -n tdm-lab-n1 addr flush dev eth1 scope global");
  EXPECT_EQ(forget[2].text(), "ip -n tdm-lab-n1 neigh flush all");
}

}  // namespace
}  // namespace tandem::lab
