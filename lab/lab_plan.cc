#include "lab/lab_plan.h"

#include <cstdio>

#include "base/text.h"
#include "model/tunables.h"

namespace tandem::lab {
namespace {

constexpr int kFirstHost = 10;  // g0's host number; below are left for other uses
constexpr int kLastHost = 250;  // 254 is the client
constexpr int kPrivateFirstHost = 1;

// The nodes get no sysctl from the lab: they start as a stock host would, and tandemd sets
// what its public interfaces need (docs/design/network-paths.md); the integration tests
// are the proof that it does.
//
// The client models a host on the storage network, so it gets only what a lab needs of it:
// its IPv6 addresses usable at once, not after duplicate address detection (a real client
// waits for DAD once, at boot, long before any test starts).
std::vector<std::string> client_sysctls(bool has_ipv6) {
  std::vector<std::string> settings;
  if (has_ipv6) {
    settings.push_back("net.ipv6.conf.all.accept_dad=0");
    settings.push_back("net.ipv6.conf.default.accept_dad=0");
  }
  return settings;
}

// The router forwards between its legs; arp_ignore=1 because swa and swb are one broadcast
// domain (the inter-switch link), so each leg answers only for its own address.
std::vector<std::string> router_sysctls(bool has_ipv6) {
  std::vector<std::string> settings{"net.ipv4.ip_forward=1"};
  for (const char* scope : {"all", "default"}) {
    std::string conf = std::string("net.ipv4.conf.") + scope + ".";
    settings.push_back(conf + "arp_ignore=1");
    settings.push_back(conf + "rp_filter=0");
    if (has_ipv6) {
      settings.push_back(std::string("net.ipv6.conf.") + scope + ".forwarding=1");
      settings.push_back(std::string("net.ipv6.conf.") + scope + ".accept_dad=0");
    }
  }
  return settings;
}

std::string mac_of(int node, int link) {
  char text[18];
  std::snprintf(text, sizeof text, "02:00:00:%02x:%02x:%02x", (node >> 8) & 0xff, node & 0xff, link & 0xff);
  return text;
}

IpPrefix prefix_of(const std::string& text) { return IpPrefix::parse(text).value(); }

// eth<k>'s subnet: odd k on the first public network, even k on the second.
std::string v4_network(int interface) { return interface % 2 == 1 ? "198.51.100." : "203.0.113."; }
std::string v6_network(int interface) { return interface % 2 == 1 ? "2001:db8:100::" : "2001:db8:113::"; }

int host_of(const LabOptions& options, int group, int interface) {
  return kFirstHost + group + options.group_count * ((interface - 1) / 2);
}

std::vector<PlannedGroup> plan_groups(const LabOptions& options) {
  std::vector<PlannedGroup> groups;
  for (int g = 0; g < options.group_count; ++g) {
    PlannedGroup group{"g" + std::to_string(g), {}};
    for (int k = 1; k <= options.public_interface_count; ++k) {
      std::string host = std::to_string(host_of(options, g, k));
      std::string interface = "eth" + std::to_string(k);
      group.addresses.push_back({prefix_of(v4_network(k) + host + "/24"), group.name, interface});
    }
    if (options.has_ipv6) {
      for (int k = 1; k <= options.public_interface_count; ++k) {
        std::string host = std::to_string(host_of(options, g, k));
        std::string interface = "eth" + std::to_string(k);
        group.addresses.push_back({prefix_of(v6_network(k) + host + "/64"), group.name, interface});
      }
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

NodePaths node_paths(const std::string& state_dir, const std::string& name) {
  std::string dir = state_dir + "/" + name;
  return NodePaths{dir,
                   dir + "/tandem.conf",
                   dir + "/public_addresses",
                   dir + "/events.d",
                   dir + "/state",
                   dir + "/tandemd.sock",
                   dir + "/tandemd.log",
                   dir + "/tandemd.pid",
                   dir + "/listener.pid",
                   dir + "/listener.log"};
}

PlannedNode plan_node(const LabOptions& options, int index) {
  PlannedNode node;
  node.index = index;
  node.name = "n" + std::to_string(index);
  node.netns = options.prefix + "-" + node.name;
  // Routed, the upper half of 192.0.2.0/24 is the client's network.
  node.private_address =
      prefix_of("192.0.2." + std::to_string(kPrivateFirstHost + index) + (options.is_routed ? "/25" : "/24"));
  for (int k = 0; k <= options.public_interface_count; ++k) {
    std::string bridge = k == 0 ? "swp" : (k % 2 == 1 ? "swa" : "swb");
    node.links.push_back({node.name + "e" + std::to_string(k), bridge, "eth" + std::to_string(k), mac_of(index, k)});
  }
  node.paths = node_paths(options.state_root + "/" + options.prefix, node.name);
  return node;
}

std::string quoted(const std::string& text) { return "\"" + text + "\""; }

// A tunable's value as TOML: a number stays a number, a name (IPAllocAlgorithm) is quoted.
std::string toml_value(const std::string& value) { return parse_unsigned(value) ? value : quoted(value); }

std::string settings_text(const LabPlan& plan, const PlannedNode& node) {
  std::string text =
      "# tandem.conf of node " + node.name + " in lab " + plan.options.prefix + " (written by tandem-lab)\n";
  text += "[node]\naddress = " + quoted(node.private_address.address.to_string()) + "\n";
  text += "[paths]\n";
  text += "nodes = " + quoted(plan.nodes_file) + "\n";
  text += "public_addresses = " + quoted(node.paths.public_addresses) + "\n";
  text += "ip_groups = " + quoted(plan.ip_groups_file) + "\n";
  text += "events = " + quoted(node.paths.events) + "\n";
  text += "state = " + quoted(node.paths.state) + "\n";
  text += "socket = " + quoted(node.paths.socket) + "\n";
  text += "[cluster]\n";
  text += "lock = " + quoted(plan.lock_file) + "\n";
  text += "key_file = " + quoted(plan.key_file) + "\n";
  if (!plan.options.manages_host_settings) text += "[network]\nmanage_host_settings = false\n";
  if (!plan.options.tunables.empty()) {
    text += "[tunables]\n";
    for (const auto& [name, value] : plan.options.tunables) text += name + " = " + toml_value(value) + "\n";
  }
  if (plan.options.has_probes) {
    // The client's address on each interface's network (the router's with --routed): on
    // 198.51.100.0/24 for odd eth<k>, 203.0.113.0/24 for even, as the public IPs.
    const std::string host = plan.options.is_routed ? "1" : "254";
    text += "[reachability]\n";
    for (std::size_t k = 1; k < node.links.size(); ++k) {
      const bool is_odd = k % 2 == 1;
      std::string targets = quoted((is_odd ? "198.51.100." : "203.0.113.") + host);
      if (plan.options.has_ipv6) targets += ", " + quoted((is_odd ? "2001:db8:100::" : "2001:db8:113::") + host);
      text += node.links[k].interface + " = [" + targets + "]\n";
    }
  }
  if (plan.options.is_routed) {
    text += "[routing]\nnetworks = [\"198.51.100.0/24 via 198.51.100.1\", \"203.0.113.0/24 via 203.0.113.1\"";
    if (plan.options.has_ipv6) {
      text += ",\n            \"2001:db8:100::/64 via 2001:db8:100::1\", \"2001:db8:113::/64 via 2001:db8:113::1\"";
    }
    text += "]\n";
  }
  return text;
}

std::string nodes_text(const LabPlan& plan) {
  std::string text;
  for (const auto& node : plan.nodes) text += node.private_address.address.to_string() + "\n";
  return text;
}

std::string ip_groups_text(const LabPlan& plan) {
  std::string text = "# ip_groups of lab " + plan.options.prefix + " (written by tandem-lab)\n";
  for (const auto& group : plan.groups) {
    text += group.name;
    for (const auto& address : group.addresses) {
      text += " " + address.prefix.address.to_string() + "@" + address.preferred_interface;
    }
    if (plan.options.on_path_loss) text += " on-path-loss=" + std::string(to_string(*plan.options.on_path_loss));
    text += "\n";
  }
  return text;
}

// Every public IP on every public interface: a node may serve any group on any NIC. With
// separate fabrics, every public IP on its own interface only.
std::string public_addresses_text(const LabPlan& plan) {
  std::string interfaces;
  for (int k = 1; k <= plan.options.public_interface_count; ++k) {
    if (!interfaces.empty()) interfaces += ",";
    interfaces += "eth" + std::to_string(k);
  }
  std::string text = "# public_addresses of lab " + plan.options.prefix + " (written by tandem-lab)\n";
  for (const auto& address : plan.public_addresses()) {
    const bool has_own_only = plan.options.has_separate_fabrics;
    text += address.prefix.to_string() + " " + (has_own_only ? address.preferred_interface : interfaces) + "\n";
  }
  return text;
}

// The client: on swa alone with both networks when the switches are joined, else on each
// fabric with that fabric's network.
void plan_client(LabPlan& plan) {
  const LabOptions& options = plan.options;
  plan.client_link = {"client", "swa", "eth0", "02:00:00:ff:ff:00"};
  std::vector<IpPrefix> fabric_a{prefix_of("198.51.100.254/24")};
  std::vector<IpPrefix> fabric_b{prefix_of("203.0.113.254/24")};
  if (options.has_ipv6) {
    fabric_a.push_back(prefix_of("2001:db8:100::254/64"));
    fabric_b.push_back(prefix_of("2001:db8:113::254/64"));
  }
  plan.client_addresses = fabric_a;
  if (options.has_separate_fabrics) {
    plan.client_fabric_b_link = PlannedLink{"clientb", "swb", "eth1", "02:00:00:ff:ff:01"};
    plan.client_fabric_b_addresses = fabric_b;
    return;
  }
  plan.inter_switch_link = PlannedSwitchLink{"isl-a", "swa", "isl-b", "swb"};
  // 198.51.100.254, 203.0.113.254, then the IPv6 ones, as before separate fabrics existed.
  plan.client_addresses = {fabric_a[0], fabric_b[0]};
  if (options.has_ipv6) plan.client_addresses.insert(plan.client_addresses.end(), {fabric_a[1], fabric_b[1]});
}

void plan_files(LabPlan& plan) {
  plan.directories = {plan.state_dir, plan.shared_dir};
  plan.files.push_back({plan.nodes_file, nodes_text(plan), 0644});
  plan.files.push_back({plan.ip_groups_file, ip_groups_text(plan), 0644});
  plan.files.push_back({plan.lock_file, "", 0600});
  for (const auto& node : plan.nodes) {
    plan.directories.push_back(node.paths.dir);
    plan.directories.push_back(node.paths.events);
    plan.directories.push_back(node.paths.state);
    plan.files.push_back({node.paths.config, settings_text(plan, node), 0644});
    plan.files.push_back({node.paths.public_addresses, public_addresses_text(plan), 0644});
  }
}

Result<void> check_options(const LabOptions& options) {
  if (auto prefix = check_prefix(options.prefix); !prefix) return prefix;
  const int node_max = options.is_routed ? kRoutedNodeCountMax : kNodeCountMax;
  if (options.node_count < 1 || options.node_count > node_max) {
    return fail("--nodes", "must be 1 to " + std::to_string(node_max) + (options.is_routed ? " with --routed" : ""));
  }
  if (options.is_routed && options.has_separate_fabrics) {
    // The router has one leg per switch, so it would join the two fabrics again.
    return fail("--routed", "cannot be combined with --fabrics separate");
  }
  if (options.public_interface_count < 1 || options.public_interface_count > kPublicInterfaceCountMax) {
    return fail("--nics", "must be 1 to " + std::to_string(kPublicInterfaceCountMax));
  }
  int per_subnet = (options.public_interface_count + 1) / 2;
  int group_max = (kLastHost - kFirstHost + 1) / per_subnet;
  if (options.group_count < 0 || options.group_count > group_max) {
    return fail("--groups", "must be 0 to " + std::to_string(group_max) + " with " +
                                std::to_string(options.public_interface_count) + " public interfaces");
  }
  if (options.state_root.empty() || options.state_root.front() != '/') {
    return fail("state root", "must be an absolute path, not \"" + options.state_root + "\"");
  }
  Tunables tunables;
  for (const auto& [name, value] : options.tunables) {
    if (auto set = set_tunable_text(tunables, name, value); !set) return fail(set.error().within("--tunable"));
  }
  return success();
}

}  // namespace

std::vector<std::string> LabPlan::namespaces() const {
  std::vector<std::string> names{switch_netns, client_netns};
  if (!router_netns.empty()) names.push_back(router_netns);
  for (const auto& node : nodes) names.push_back(node.netns);
  return names;
}

std::vector<PlannedAddress> LabPlan::public_addresses() const {
  std::vector<PlannedAddress> addresses;
  for (const auto& group : groups) addresses.insert(addresses.end(), group.addresses.begin(), group.addresses.end());
  return addresses;
}

const PlannedNode* LabPlan::find_node(std::string_view name) const {
  std::string_view number = name.starts_with("n") ? name.substr(1) : name;
  auto index = parse_unsigned(number);
  if (!index || *index >= nodes.size()) return nullptr;
  return &nodes[*index];
}

Result<void> check_prefix(std::string_view prefix) {
  auto is_allowed = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  bool is_valid = !prefix.empty() && prefix.size() <= kPrefixLengthMax && prefix.front() != '-';
  for (char c : prefix) is_valid = is_valid && is_allowed(c);
  if (!is_valid) {
    return fail("--prefix",
                "\"" + std::string(prefix) + "\" must be 1 to 32 of a-z, 0-9 and '-', not starting with '-'");
  }
  return success();
}

namespace {

// The router between the public networks and the client's network swc, and the client
// moved behind it.
void plan_routed_client(LabPlan& plan) {
  const bool has_ipv6 = plan.options.has_ipv6;
  plan.router_netns = plan.options.prefix + "-router";
  plan.bridges.push_back("swc");
  plan.router_links = {{"rtr-a", "swa", "ra", "02:00:00:fe:fe:01"},
                       {"rtr-b", "swb", "rb", "02:00:00:fe:fe:02"},
                       {"rtr-c", "swc", "rc", "02:00:00:fe:fe:03"}};
  plan.router_addresses = {
      {prefix_of("198.51.100.1/24"), "ra"}, {prefix_of("203.0.113.1/24"), "rb"}, {prefix_of("192.0.2.129/25"), "rc"}};
  if (has_ipv6) {
    plan.router_addresses.push_back({prefix_of("2001:db8:100::1/64"), "ra"});
    plan.router_addresses.push_back({prefix_of("2001:db8:113::1/64"), "rb"});
    plan.router_addresses.push_back({prefix_of("2001:db8:c1::1/64"), "rc"});
  }
  plan.router_sysctls = router_sysctls(has_ipv6);
  plan.client_link.bridge = "swc";
  plan.client_addresses = {prefix_of("192.0.2.254/25")};
  plan.client_gateways = {"192.0.2.129"};
  if (has_ipv6) {
    plan.client_addresses.push_back(prefix_of("2001:db8:c1::254/64"));
    plan.client_gateways.push_back("2001:db8:c1::1");
  }
}

}  // namespace

Result<LabPlan> make_lab_plan(const LabOptions& options) {
  if (auto checked = check_options(options); !checked) return fail(checked.error());
  LabPlan plan;
  plan.options = options;
  plan.switch_netns = options.prefix + "-sw";
  plan.client_netns = options.prefix + "-client";
  plan.bridges = {"swa", "swb", "swp", "swq"};
  plan_client(plan);
  for (int i = 0; i < options.node_count; ++i) plan.nodes.push_back(plan_node(options, i));
  plan.groups = plan_groups(options);
  plan.client_sysctls = client_sysctls(options.has_ipv6);
  if (options.is_routed) plan_routed_client(plan);
  plan.state_dir = options.state_root + "/" + options.prefix;
  plan.shared_dir = plan.state_dir + "/shared";
  plan.nodes_file = plan.shared_dir + "/nodes";
  plan.ip_groups_file = plan.shared_dir + "/ip_groups";
  plan.lock_file = plan.shared_dir + "/cluster.lock";
  plan.key_file = plan.shared_dir + "/cluster.key";
  plan.lab_json = plan.state_dir + "/lab.json";
  plan_files(plan);
  return plan;
}

bool is_lab_namespace(std::string_view prefix, std::string_view netns) {
  if (prefix.empty() || !netns.starts_with(prefix) || netns.size() <= prefix.size() + 1 ||
      netns[prefix.size()] != '-') {
    return false;
  }
  std::string_view rest = netns.substr(prefix.size() + 1);
  if (rest == "sw" || rest == "client" || rest == "router") return true;
  return rest.size() > 1 && rest.front() == 'n' && parse_unsigned(rest.substr(1)).has_value();
}

Result<std::pair<std::string, std::string>> parse_tunable_argument(std::string_view text) {
  const auto equals = text.find('=');
  if (equals == std::string_view::npos) return fail("--tunable " + std::string(text), "expected Name=Value");
  return std::pair<std::string, std::string>(text.substr(0, equals), text.substr(equals + 1));
}

}  // namespace tandem::lab
