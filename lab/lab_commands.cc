#include "lab/lab_commands.h"

namespace tandem::lab {
namespace {

Command sysctl_command(const std::string& netns, const std::vector<std::string>& settings) {
  Command command{{"ip", "netns", "exec", netns, "sysctl", "-q", "-w"}};
  command.argv.insert(command.argv.end(), settings.begin(), settings.end());
  return command;
}

void add_bridges(const LabPlan& plan, std::vector<Command>& commands) {
  for (const auto& bridge : plan.bridges) {
    // No spanning tree and no forwarding delay: a port forwards as soon as it is up, so a
    // link that comes back is usable at once, as on a switch with portfast.
    commands.push_back(ip_in(plan.switch_netns, {"link", "add", bridge, "type", "bridge", "stp_state", "0",
                                                 "forward_delay", "0", "mcast_snooping", "0"}));
    commands.push_back(ip_in(plan.switch_netns, {"link", "set", bridge, "up"}));
  }
  if (!plan.inter_switch_link) return;  // separate fabrics
  const auto& isl = *plan.inter_switch_link;
  commands.push_back(ip_in(plan.switch_netns, {"link", "add", isl.port_a, "type", "veth", "peer", "name", isl.port_b}));
  commands.push_back(ip_in(plan.switch_netns, {"link", "set", isl.port_a, "master", isl.bridge_a, "up"}));
  commands.push_back(ip_in(plan.switch_netns, {"link", "set", isl.port_b, "master", isl.bridge_b, "up"}));
}

void add_link(const LabPlan& plan, const std::string& netns, const PlannedLink& link, std::vector<Command>& commands) {
  commands.push_back(ip_in(plan.switch_netns, {"link", "add", link.port, "type", "veth", "peer", "name", link.interface,
                                               "address", link.mac, "netns", netns}));
  commands.push_back(ip_in(plan.switch_netns, {"link", "set", link.port, "master", link.bridge, "up"}));
  commands.push_back(ip_in(netns, {"link", "set", link.interface, "up"}));
}

std::vector<std::string> address_add(const IpPrefix& prefix, const std::string& interface) {
  std::vector<std::string> arguments{"addr", "add", prefix.to_string(), "dev", interface};
  if (!prefix.address.is_v4()) arguments.push_back("nodad");
  return arguments;
}

// The router of a routed lab and the client's default routes through it.
void add_router(const LabPlan& plan, std::vector<Command>& commands) {
  if (plan.router_netns.empty()) return;
  for (const auto& link : plan.router_links) add_link(plan, plan.router_netns, link, commands);
  for (const auto& address : plan.router_addresses) {
    commands.push_back(ip_in(plan.router_netns, address_add(address.prefix, address.interface)));
  }
  for (const auto& gateway : plan.client_gateways) {
    const bool is_v4 = gateway.find(':') == std::string::npos;
    commands.push_back(ip_in(plan.client_netns, {is_v4 ? "-4" : "-6", "route", "add", "default", "via", gateway}));
  }
}

}  // namespace

std::vector<Command> setup_commands(const LabPlan& plan) {
  std::vector<Command> commands;
  for (const auto& netns : plan.namespaces()) commands.push_back({{"ip", "netns", "add", netns}});
  if (!plan.client_sysctls.empty()) commands.push_back(sysctl_command(plan.client_netns, plan.client_sysctls));
  if (!plan.router_netns.empty()) commands.push_back(sysctl_command(plan.router_netns, plan.router_sysctls));
  for (const auto& netns : plan.namespaces()) commands.push_back(ip_in(netns, {"link", "set", "lo", "up"}));
  add_bridges(plan, commands);
  for (const auto& node : plan.nodes) {
    for (const auto& link : node.links) add_link(plan, node.netns, link, commands);
    commands.push_back(ip_in(node.netns, address_add(node.private_address, node.links[0].interface)));
  }
  add_link(plan, plan.client_netns, plan.client_link, commands);
  for (const auto& address : plan.client_addresses) {
    commands.push_back(ip_in(plan.client_netns, address_add(address, plan.client_link.interface)));
  }
  add_router(plan, commands);
  if (plan.client_fabric_b_link) {
    add_link(plan, plan.client_netns, *plan.client_fabric_b_link, commands);
    for (const auto& address : plan.client_fabric_b_addresses) {
      commands.push_back(ip_in(plan.client_netns, address_add(address, plan.client_fabric_b_link->interface)));
    }
  }
  return commands;
}

Command set_port_command(const LabPlan& plan, const PlannedNode& node, int link, bool is_up) {
  return ip_in(plan.switch_netns,
               {"link", "set", node.links.at(static_cast<std::size_t>(link)).port, is_up ? "up" : "down"});
}

Command set_port_forwarding_command(const LabPlan& plan, const PlannedNode& node, int link, bool forwards) {
  return Command{{"bridge", "-n", plan.switch_netns, "link", "set", "dev",
                  node.links.at(static_cast<std::size_t>(link)).port, "state", forwards ? "3" : "0"}};
}

Command attach_private_port_command(const LabPlan& plan, const PlannedNode& node, const std::string& bridge) {
  return ip_in(plan.switch_netns, {"link", "set", node.links.front().port, "master", bridge});
}

std::vector<Command> forget_public_state_commands(const PlannedNode& node) {
  std::vector<Command> commands;
  for (std::size_t k = 1; k < node.links.size(); ++k) {
    commands.push_back(ip_in(node.netns, {"addr", "flush", "dev", node.links[k].interface, "scope", "global"}));
  }
  commands.push_back(ip_in(node.netns, {"neigh", "flush", "all"}));
  return commands;
}

}  // namespace tandem::lab
