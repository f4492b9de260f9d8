// Settings: this node's `tandem.conf` (TOML), parsed into one value.
//
// Pure: parse_settings() takes the text and the name to print; it never reads the files
// the settings name, never checks that they exist, and never looks at the network. The
// daemon does that later and can then say which setting led it there.
//
// The file, with every key optional (the defaults are below):
//
//   [node]
//   address = "192.0.2.1"      # this node's private address as written in the nodes file;
//                              # left out, the daemon finds it among the local addresses
//   [paths]                    # absolute paths: the daemon's working directory is not fixed
//   nodes = "/etc/tandem/nodes"
//   public_addresses = "/etc/tandem/public_addresses"
//   ip_groups = "/etc/tandem/ip_groups"    # cluster-wide; best on the cluster filesystem
//   events = "/etc/tandem/events.d"        # directory of event scripts (hooks)
//   state = "/var/lib/tandem"              # directory for what must survive a restart
//   socket = "/run/tandem/tandemd.sock"    # the control socket the `tandem` tool talks to
//   [cluster]
//   lock = ""                  # the cluster lock, as CTDB's "recovery lock": an absolute
//                              # path to lock with fcntl, or "!COMMAND ARGS..." to run a
//                              # CTDB-style mutex helper; "" (the default) means no lock
//   key_file = "/etc/tandem/cluster.key"   # shared secret that authenticates peers
//   port = 4379                # TCP port of the peer protocol, 1 to 65535
//   [network]
//   manage_host_settings = true  # tandemd sets (and restores) the sysctls its public
//                              # interfaces need (config/host_settings.h); false: it only
//                              # warns about each wrong one
//   [tunables]                 # by CTDB's names, case-insensitive (model/tunables.h)
//   IPAllocAlgorithm = "lcp2"  # or 0, 1, 2, "deterministic", "nondeterministic"
//   NoIPFailback = 0           # 0/1 tunables also take false/true
//   [routing]                  # per-IP source routing: config/routing.h
//   networks = ["198.51.100.0/24 via 198.51.100.1"]
//   [reachability]             # probe targets per public interface (cluster/reachability.h):
//   eth1 = ["192.0.2.1", "192.0.2.2"]   # ARP requests (IPv4) / neighbour solicitations
//                              # (IPv6) go to each out of eth1 every ProbeIntervalMs; eth1
//                              # counts as down when none answers for ProbeMisses rounds.
//                              # "192.0.2.1 192.0.2.2" (one string) is the same. An interface
//                              # not listed is judged by its carrier alone (the default)
//   [metrics]
//   textfile = ""              # an absolute path: the daemon rewrites it (atomically) with its
//                              # metrics in Prometheus's text format on every change, for the
//                              # node exporter's textfile collector; "" (the default): none
//
// Every error is "FILE:LINE: cause": TOML syntax, an unknown section or key (the message
// lists the known ones), a value of the wrong type, a value out of range. The whole file
// is rejected on the first error, so a daemon reloading it keeps its last good settings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/public_address.h"
#include "config/routing.h"
#include "model/tunables.h"

namespace tandem::config {

inline constexpr std::uint16_t kDefaultPort = 4379;
// The most probe targets one interface may have ([reachability]): each is one frame per
// ProbeIntervalMs.
inline constexpr std::size_t kProbeTargetsMax = 16;

// One interface's line of [reachability]: where its probes go, and the line, so that a
// later check against public_addresses can name it.
struct ProbeTargetSetting {
  InterfaceName interface;
  std::vector<IpAddress> targets;  // never empty, no repeats
  int line = 0;

  friend bool operator==(const ProbeTargetSetting&, const ProbeTargetSetting&) = default;
};

struct Paths {
  std::string nodes = "/etc/tandem/nodes";
  std::string public_addresses = "/etc/tandem/public_addresses";
  std::string ip_groups = "/etc/tandem/ip_groups";
  std::string events = "/etc/tandem/events.d";      // a directory
  std::string state = "/var/lib/tandem";            // a directory
  std::string socket = "/run/tandem/tandemd.sock";  // the control socket (root only)

  friend bool operator==(const Paths&, const Paths&) = default;
};

// How the cluster lock is taken; CTDB's "recovery lock" setting, split into its two kinds.
struct ClusterLockSetting {
  enum class Kind : std::uint8_t {
    kNone,    // no cluster lock: the leader is elected without one
    kFile,    // fcntl lock on `file`, on a filesystem every node mounts
    kHelper,  // run `helper` (program, then arguments) and hold the lock while it runs
  };
  Kind kind = Kind::kNone;
  std::string file;                 // absolute; kFile only
  std::vector<std::string> helper;  // never empty for kHelper; split on blanks, no quoting

  friend bool operator==(const ClusterLockSetting&, const ClusterLockSetting&) = default;
};

struct Settings {
  std::optional<IpAddress> node_address;  // [node] address
  Paths paths;
  ClusterLockSetting cluster_lock;  // [cluster] lock
  std::string key_file = "/etc/tandem/cluster.key";
  std::uint16_t port = kDefaultPort;
  bool manage_host_settings = true;  // [network] manage_host_settings
  Tunables tunables;
  RoutingSettings routing;                       // [routing]
  std::string metrics_textfile;                  // [metrics] textfile; "" means none
  std::vector<ProbeTargetSetting> reachability;  // [reachability], in file order

  friend bool operator==(const Settings&, const Settings&) = default;
};

// Reads the `lock` value: "" -> kNone, "!COMMAND ARGS..." -> kHelper, "/path" -> kFile.
// The error has no place; parse_settings() adds it.
Result<ClusterLockSetting> parse_cluster_lock(std::string_view text);

Result<Settings> parse_settings(std::string_view text, std::string_view file_name);

// Every interface of [reachability] is an interface of some public address of this node
// (`addresses`, read from `addresses_file`): probes on any other would judge nothing.
// The error names the tandem.conf line: "FILE:LINE: ...".
Result<void> check_probed_interfaces(const Settings& settings, const AddressList& addresses, std::string_view file_name,
                                     std::string_view addresses_file);

}  // namespace tandem::config
