#include "app/daemon_config.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "config/lines.h"
#include "config/public_addresses_file.h"
#include "sys/bounded_file.h"

namespace tandem::app {

std::vector<InterfaceName> DaemonConfig::public_interfaces() const {
  std::set<InterfaceName> names;
  for (const auto& address : public_addresses) names.insert(address.interfaces.begin(), address.interfaces.end());
  return {names.begin(), names.end()};
}

std::map<NodeId, IpAddress> DaemonConfig::node_addresses() const {
  std::map<NodeId, IpAddress> addresses;
  for (const auto& node : nodes) {
    if (!node.is_deleted()) addresses.emplace(node.pnn, *node.address);
  }
  return addresses;
}

Result<std::string> read_text_file(const std::string& path) {
  return sys::read_bounded_file(path, {.size_max = config::kFileSizeMax, .links = sys::Links::kFollow});
}

namespace {

template <typename T, typename Parse>
Result<T> read_and_parse(const std::string& path, Parse parse) {
  auto text = read_text_file(path);
  if (!text) return fail(text.error());
  return parse(*text, path);
}

}  // namespace

Result<config::Settings> read_settings(const std::string& path) {
  return read_and_parse<config::Settings>(path, config::parse_settings);
}

Result<std::vector<config::NodeEntry>> read_nodes(const config::Settings& settings) {
  auto nodes = read_and_parse<std::vector<config::NodeEntry>>(settings.paths.nodes, config::parse_nodes);
  if (nodes && nodes->empty()) return fail(settings.paths.nodes, "lists no node");
  return nodes;
}

Result<AddressList> read_public_addresses(const config::Settings& settings) {
  return read_and_parse<AddressList>(settings.paths.public_addresses, config::parse_public_addresses);
}

Result<config::IpGroupsFile> read_ip_groups(const config::Settings& settings) {
  return read_and_parse<config::IpGroupsFile>(settings.paths.ip_groups, config::parse_ip_groups);
}

Result<NodeId> find_self(const config::Settings& settings, const std::vector<config::NodeEntry>& nodes,
                         std::span<const IpAddress> local_addresses, const std::string& conf_path) {
  if (settings.node_address) {
    for (const auto& node : nodes) {
      if (node.address == settings.node_address) return node.pnn;
    }
    return fail(conf_path, "[node] address " + settings.node_address->to_string() + " is not in the nodes file " +
                               settings.paths.nodes);
  }
  std::vector<NodeId> matches;
  for (const auto& node : nodes) {
    if (node.address &&
        std::find(local_addresses.begin(), local_addresses.end(), *node.address) != local_addresses.end()) {
      matches.push_back(node.pnn);
    }
  }
  if (matches.size() == 1) return matches.front();
  const std::string advice = "; set [node] address in " + conf_path;
  if (matches.empty()) return fail(settings.paths.nodes, "none of its addresses is on this machine" + advice);
  return fail(settings.paths.nodes, "more than one of its addresses is on this machine" + advice);
}

Result<DaemonConfig> load_daemon_config(const std::string& path, std::span<const IpAddress> local_addresses) {
  DaemonConfig config;
  config.path = path;
  auto settings = read_settings(path);
  if (!settings) return fail(settings.error());
  config.settings = std::move(*settings);
  auto nodes = read_nodes(config.settings);
  if (!nodes) return fail(nodes.error());
  config.nodes = std::move(*nodes);
  auto addresses = read_public_addresses(config.settings);
  if (!addresses) return fail(addresses.error());
  config.public_addresses = std::move(*addresses);
  if (auto tables = config::check_distinct_tables(config.settings.routing, config.public_addresses,
                                                  config.settings.paths.public_addresses);
      !tables) {
    return fail(tables.error());
  }
  if (auto probed = config::check_probed_interfaces(config.settings, config.public_addresses, path,
                                                    config.settings.paths.public_addresses);
      !probed) {
    return fail(probed.error());
  }
  auto groups = read_ip_groups(config.settings);
  if (!groups) return fail(groups.error());
  config.groups = std::move(*groups);
  auto self = find_self(config.settings, config.nodes, local_addresses, path);
  if (!self) return fail(self.error());
  config.self = *self;
  return config;
}

cluster::NodeConfig to_node_config(const DaemonConfig& config, std::uint64_t random_seed) {
  cluster::NodeConfig node;
  node.self = config.self;
  for (const auto& entry : config.nodes) {
    if (!entry.is_deleted()) node.nodes.push_back(entry.pnn);
  }
  node.public_addresses = config.public_addresses;
  node.groups = config.groups.groups();
  node.tunables = config.settings.tunables;
  node.has_cluster_lock = config.settings.cluster_lock.kind != config::ClusterLockSetting::Kind::kNone;
  node.random_seed = random_seed;
  for (const auto& probed : config.settings.reachability) node.probe_targets[probed.interface] = probed.targets;
  return node;
}

}  // namespace tandem::app
