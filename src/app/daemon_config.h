// DaemonConfig: everything tandemd reads from files, read and checked as one value.
//
// tandem.conf names the other files; all of them are read and parsed before any is used,
// so a reload either replaces the whole configuration or, on the first error ("FILE:LINE:
// cause"), leaves the running one in force. Reading files is the only IO here; parsing and
// checking are config/'s pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "cluster/node_config.h"
#include "config/ip_groups_file.h"
#include "config/nodes_file.h"
#include "config/settings.h"
#include "model/public_address.h"

namespace tandem::app {

struct DaemonConfig {
  std::string path;  // tandem.conf
  config::Settings settings;
  std::vector<config::NodeEntry> nodes;  // deleted nodes included, in PNN order
  AddressList public_addresses;          // this node's
  config::IpGroupsFile groups;
  NodeId self;

  // Every interface this node's public_addresses names, sorted, without repeats.
  std::vector<InterfaceName> public_interfaces() const;
  // The private address of every node that is not deleted, self included.
  std::map<NodeId, IpAddress> node_addresses() const;

  friend bool operator==(const DaemonConfig&, const DaemonConfig&) = default;
};

// Reads the file whole through sys::read_bounded_file(): at most config::kFileSizeMax
// bytes, a regular file only (a FIFO or a device is refused: "FILE: not a regular file"),
// symbolic links followed (ip_groups often points at the cluster filesystem); the error
// names the path and the system's reason.
Result<std::string> read_text_file(const std::string& path);

// The steps of load_daemon_config(), one file each, so that `tandem check` reads every file
// exactly as the daemon does and can go on past the first error.
Result<config::Settings> read_settings(const std::string& path);
Result<std::vector<config::NodeEntry>> read_nodes(const config::Settings& settings);  // at least one node
Result<AddressList> read_public_addresses(const config::Settings& settings);
Result<config::IpGroupsFile> read_ip_groups(const config::Settings& settings);
// This node: see load_daemon_config(). `conf_path` is tandem.conf, for the advice.
Result<NodeId> find_self(const config::Settings& settings, const std::vector<config::NodeEntry>& nodes,
                         std::span<const IpAddress> local_addresses, const std::string& conf_path);

// Reads tandem.conf at `path` and the files it names. This node is the one whose address
// `[node] address` gives, else the one nodes-file address found among `local_addresses`
// (exactly one must match: two would make two daemons think they are the same node).
Result<DaemonConfig> load_daemon_config(const std::string& path, std::span<const IpAddress> local_addresses);

// What the state machine is configured with.
cluster::NodeConfig to_node_config(const DaemonConfig& config, std::uint64_t random_seed);

}  // namespace tandem::app
