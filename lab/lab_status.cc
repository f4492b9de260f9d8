#include "lab/lab_status.h"

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

namespace tandem::lab {
namespace {

bool has_flag(const nlohmann::json& link, const char* flag) {
  const auto& flags = link.value("flags", nlohmann::json::array());
  return std::find(flags.begin(), flags.end(), flag) != flags.end();
}

InterfaceState interface_from(const nlohmann::json& link) {
  InterfaceState state;
  state.name = link.at("ifname").get<std::string>();
  state.mac = link.value("address", "");
  state.is_up = has_flag(link, "UP");
  state.has_carrier = has_flag(link, "LOWER_UP");
  state.master = link.value("master", "");
  for (const auto& info : link.value("addr_info", nlohmann::json::array())) {
    if (info.value("scope", "") != "global" || !info.contains("local")) continue;
    auto prefix =
        IpPrefix::parse(info.at("local").get<std::string>() + "/" + std::to_string(info.value("prefixlen", 0)));
    if (prefix) state.addresses.push_back(*prefix);
  }
  return state;
}

std::string padded(std::string text, std::size_t width) {
  if (text.size() < width) text.append(width - text.size(), ' ');
  return text;
}

std::string process_text(const ProcessState& process) {
  if (process.pid == 0) return "not started";
  std::string pid = " (pid " + std::to_string(process.pid) + ")";
  return (process.is_running ? "running" : "gone") + pid;
}

std::string holders_text(const PublicIpState& ip) {
  if (ip.holders.empty()) return "-  (not configured anywhere)";
  std::string text;
  for (const auto& holder : ip.holders) {
    if (!text.empty()) text += " AND ";
    text += holder.node + " " + holder.interface + (holder.has_carrier ? "" : " (no carrier)");
  }
  if (ip.reachable_holder_count() > 1) text += "  <- ON MORE THAN ONE INTERFACE";
  return text;
}

std::string addresses_text(const InterfaceState& interface) {
  std::string text;
  for (const auto& address : interface.addresses) text += (text.empty() ? "" : " ") + address.to_string();
  return text;
}

void append_nodes(const LabStatus& status, std::string& text) {
  text += "node  " + padded("daemon", 22) + padded("listener", 22) + "private network\n";
  for (const auto& node : status.nodes) {
    if (!node.has_netns) {
      text += padded(node.name, 6) + "namespace " + node.netns + " is missing\n";
      continue;
    }
    std::string daemon = status.has_daemons ? process_text(node.daemon) : "none (--no-daemon)";
    text += padded(node.name, 6) + padded(daemon, 22) + padded(process_text(node.listener), 22) +
            (node.is_cut_off ? "CUT OFF (partition)" : "connected") + "\n";
  }
}

void append_interfaces(const LabStatus& status, std::string& text) {
  text += "\ninterfaces, as each node sees them:\n";
  for (const auto& node : status.nodes) {
    for (const auto& interface : node.interfaces) {
      if (interface.name == "lo") continue;
      text += "  " + padded(node.name, 5) + padded(interface.name, 6) + padded(interface.link(), 12) +
              padded(interface.mac, 19) + addresses_text(interface) + "\n";
    }
  }
}

}  // namespace

std::string InterfaceState::link() const {
  if (!is_up) return "down";
  return has_carrier ? "up" : "no-carrier";
}

Result<std::vector<InterfaceState>> parse_ip_json(std::string_view json, std::string_view place) {
  auto parsed = nlohmann::json::parse(json, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array()) return fail(std::string(place), "output is not a JSON array");
  std::vector<InterfaceState> interfaces;
  try {
    for (const auto& link : parsed) interfaces.push_back(interface_from(link));
  } catch (const nlohmann::json::exception& error) {
    return fail(std::string(place), error.what());
  }
  return interfaces;
}

std::vector<PublicIpState> locate_public_ips(const LabPlan& plan, const std::vector<NodeState>& nodes) {
  std::vector<PublicIpState> located;
  for (const auto& address : plan.public_addresses()) {
    PublicIpState state{address, {}};
    for (const auto& node : nodes) {
      for (const auto& interface : node.interfaces) {
        for (const auto& held : interface.addresses) {
          if (held.address == address.prefix.address) {
            state.holders.push_back({node.name, interface.name, interface.is_up && interface.has_carrier});
          }
        }
      }
    }
    located.push_back(std::move(state));
  }
  return located;
}

int PublicIpState::reachable_holder_count() const {
  int count = 0;
  for (const auto& holder : holders) count += holder.has_carrier ? 1 : 0;
  return count;
}

std::string holder_of(const LabStatus& status, const IpAddress& address) {
  for (const auto& ip : status.public_ips) {
    if (ip.address.prefix.address != address) continue;
    for (const auto& holder : ip.holders) {
      if (holder.has_carrier) return holder.node;
    }
  }
  return "";
}

std::string status_text(const LabStatus& status) {
  std::string text = "lab " + status.prefix + ": " + std::to_string(status.nodes.size()) + " nodes, " +
                     std::to_string(status.public_interface_count) + " public interfaces each, " +
                     std::to_string(status.group_count) + " groups; files in " + status.state_dir + "\n\n";
  append_nodes(status, text);
  append_interfaces(status, text);
  text += "\npublic IPs, where the kernel has them:\n";
  for (const auto& ip : status.public_ips) {
    text += "  " + padded(ip.address.group, 5) + padded(ip.address.prefix.to_string(), 22) + "prefers " +
            padded(ip.address.preferred_interface, 6) + "-> " + holders_text(ip) + "\n";
  }
  return text;
}

std::string status_json(const LabStatus& status) {
  using Json = nlohmann::ordered_json;
  auto interface_json = [](const InterfaceState& interface) {
    Json addresses = Json::array();
    for (const auto& address : interface.addresses) addresses.push_back(address.to_string());
    return Json{{"name", interface.name},
                {"link", interface.link()},
                {"mac", interface.mac},
                {"master", interface.master},
                {"addresses", addresses}};
  };
  auto process_json = [](const ProcessState& process) {
    return Json{{"pid", process.pid == 0 ? Json(nullptr) : Json(process.pid)}, {"running", process.is_running}};
  };
  Json nodes = Json::array();
  for (const auto& node : status.nodes) {
    Json interfaces = Json::array();
    for (const auto& interface : node.interfaces) interfaces.push_back(interface_json(interface));
    nodes.push_back({{"name", node.name},
                     {"namespace", node.netns},
                     {"exists", node.has_netns},
                     {"cut_off", node.is_cut_off},
                     {"daemon", process_json(node.daemon)},
                     {"listener", process_json(node.listener)},
                     {"interfaces", interfaces}});
  }
  Json client = Json::array();
  for (const auto& interface : status.client) client.push_back(interface_json(interface));
  Json ips = Json::array();
  for (const auto& ip : status.public_ips) {
    Json holders = Json::array();
    for (const auto& holder : ip.holders) {
      holders.push_back({{"node", holder.node}, {"interface", holder.interface}, {"carrier", holder.has_carrier}});
    }
    ips.push_back({{"address", ip.address.prefix.to_string()},
                   {"group", ip.address.group},
                   {"preferred_interface", ip.address.preferred_interface},
                   {"holders", holders}});
  }
  Json json{{"prefix", status.prefix},
            {"state_dir", status.state_dir},
            {"daemons", status.has_daemons},
            {"nodes", nodes},
            {"client", client},
            {"public_ips", ips}};
  return json.dump(2) + "\n";
}

}  // namespace tandem::lab
