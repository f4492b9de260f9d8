// LabPlan: everything a tandem-lab cluster is made of, decided before anything is made.
//
// Pure: make_lab_plan() turns the options (nodes, public interfaces per node, groups,
// prefix, tunables) into every network namespace, bridge, veth pair, address and client sysctl,
// and the text of every configuration file, without touching the kernel or the disk. The
// executor (lab.h) carries the plan out; tests read it. The same options always give the
// same plan, which is how later verbs (`nic-down`, `status`, `down`) find what `up` made:
// lab.json keeps the options, not the plan.
//
// The topology (lab/README.md), for prefix P:
//   P-sw      the switches: bridges swa and swb (the two public networks, joined by the
//             inter-switch veth pair isl-a/isl-b, like a redundant storage network), swp
//             (the private network of the nodes' TCP mesh) and swq (where `partition`
//             moves the private ports of the nodes it cuts off).
//   P-n<i>    node i: eth0 on swp (192.0.2.(1+i)/24, the address in the nodes file), and
//             the public interfaces eth1..ethK, alternately on swa and swb, with no address
//             of their own (only public IPs).
//   P-client  the client, on swa: 198.51.100.254/24 and 203.0.113.254/24 (and
//             2001:db8:100::254/64, 2001:db8:113::254/64 with IPv6).
// With separate fabrics (VMware port binding on two isolated storage networks) there is
// no inter-switch link: swa is fabric A, swb fabric B; the client has eth0 on swa with the
// first network's addresses (198.51.100.254/24, 2001:db8:100::254/64) and eth1 on swb with
// the second's (203.0.113.254/24, 2001:db8:113::254/64); and each public IP may use only
// its own interface (public_addresses lists one), so an interface that fails costs its
// node that IP, and the groups' on-path-loss policy decides what happens.
// Group g<i> holds one public IP per public interface: eth<k> with k odd is on
// 198.51.100.0/24, with k even on 203.0.113.0/24; the host number is 10 + i for eth1 and
// eth2, 10 + G + i for eth3 and eth4, and so on. Each IP prefers its interface and may be
// configured on every public interface of every node (on its own interface only, with
// separate fabrics). With IPv6 each group also holds
// 2001:db8:100::N and 2001:db8:113::N (N the IPv4 host number, written in decimal digits).
//
// With `--routed` (a client reached only through a router, docs/design/routing.md):
//   P-router  legs ra on swa (198.51.100.1/24), rb on swb (203.0.113.1/24) and rc on swc
//             (192.0.2.129/25), forwarding; with IPv6 also 2001:db8:100::1/64,
//             2001:db8:113::1/64 and 2001:db8:c1::1/64.
//   P-client  on swc only: 192.0.2.254/25 (and 2001:db8:c1::254/64), default route via the
//             router: no route of its own to the public networks.
//   nodes     eth0 has 192.0.2.(1+i)/25 (at most 126 nodes), and tandem.conf gives both
//             public networks their gateway on the router.
//
// Every interface name is at most 15 characters (IFNAMSIZ - 1): switch-side ports are
// named n<i>e<k> (the node-side interface eth<k> of node i), whatever the prefix.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "model/ip_address.h"
#include "model/ip_group.h"

namespace tandem::lab {

inline constexpr int kNodeCountMax = 200;
inline constexpr int kRoutedNodeCountMax = 126;  // 192.0.2.1-126/25: the rest is the client's network
inline constexpr int kPublicInterfaceCountMax = 8;
inline constexpr std::size_t kPrefixLengthMax = 32;
inline constexpr std::uint16_t kDefaultProbePort = 7000;

struct LabOptions {
  std::string prefix = "tdm-lab";
  int node_count = 3;
  int public_interface_count = 2;  // K: eth1..ethK
  int group_count = 3;
  bool has_ipv6 = false;
  // false: every node's tandem.conf says [network] manage_host_settings = false, so the
  // daemons leave the sysctls as a stock host has them (and warn).
  bool manages_host_settings = true;
  // A routed client (`--routed`): the client sits behind a router instead of on swa, and
  // every node's tandem.conf has a [routing] section (per-IP source routing).
  bool is_routed = false;
  bool has_separate_fabrics = false;  // --fabrics separate: no inter-switch link
  // Reachability probes (tandem.conf [reachability]): each public interface probes the
  // client's address on its network (the router's leg with --routed), so a dead path
  // behind a live carrier (`deadpath`) fails over. `--no-probes`: carrier alone.
  bool has_probes = true;
  std::optional<PathLossPolicy> on_path_loss;  // written in ip_groups when given
  // `--iscsi`: tgtd on every node and the example hook serving one iSCSI target per group
  // (lab_iscsi.h).
  bool has_iscsi = false;
  std::vector<std::pair<std::string, std::string>> tunables;  // [tunables] of every node
  std::string state_root = "/run";                            // the state dir is root/prefix
  std::uint16_t probe_port = kDefaultProbePort;

  friend bool operator==(const LabOptions&, const LabOptions&) = default;
};

// One veth pair: `port` in the switch namespace, enslaved to `bridge`; `interface` in the
// other namespace, with the fixed hardware address `mac` (readable in captures).
struct PlannedLink {
  std::string port;
  std::string bridge;
  std::string interface;
  std::string mac;

  friend bool operator==(const PlannedLink&, const PlannedLink&) = default;
};

// The inter-switch link: a veth pair with both ends in the switch namespace.
struct PlannedSwitchLink {
  std::string port_a;  // isl-a, on bridge_a (swa)
  std::string bridge_a;
  std::string port_b;  // isl-b, on bridge_b (swb)
  std::string bridge_b;

  friend bool operator==(const PlannedSwitchLink&, const PlannedSwitchLink&) = default;
};

struct PlannedAddress {
  IpPrefix prefix;
  std::string group;
  std::string preferred_interface;  // eth<k>

  friend bool operator==(const PlannedAddress&, const PlannedAddress&) = default;
};

// An address on an interface of the router or the client.
struct PlannedAddressOn {
  IpPrefix prefix;
  std::string interface;

  friend bool operator==(const PlannedAddressOn&, const PlannedAddressOn&) = default;
};

struct PlannedGroup {
  std::string name;
  std::vector<PlannedAddress> addresses;  // in ip_groups order: eth1's first

  friend bool operator==(const PlannedGroup&, const PlannedGroup&) = default;
};

// Where one node's files are: all under the state dir, in n<i>/.
struct NodePaths {
  std::string dir;
  std::string config;  // tandem.conf
  std::string public_addresses;
  std::string events;        // events.d/, empty: no hooks
  std::string state;         // state/
  std::string socket;        // tandemd.sock
  std::string log;           // tandemd.log: the daemon's stdout and stderr
  std::string daemon_pid;    // tandemd.pid
  std::string listener_pid;  // listener.pid
  std::string listener_log;  // listener.log

  friend bool operator==(const NodePaths&, const NodePaths&) = default;
};

struct PlannedNode {
  int index = 0;
  std::string name;                // n<i>: the name in listener answers and on the command line
  std::string netns;               // P-n<i>
  IpPrefix private_address;        // on eth0
  std::vector<PlannedLink> links;  // links[0] is eth0 (private), links[k] is eth<k>
  NodePaths paths;

  friend bool operator==(const PlannedNode&, const PlannedNode&) = default;
};

struct PlannedFile {
  std::string path;
  std::string text;
  unsigned mode = 0644;

  friend bool operator==(const PlannedFile&, const PlannedFile&) = default;
};

struct LabPlan {
  LabOptions options;
  std::string switch_netns;                            // P-sw
  std::string client_netns;                            // P-client
  std::vector<std::string> bridges;                    // swa, swb, swp, swq
  std::optional<PlannedSwitchLink> inter_switch_link;  // none with separate fabrics
  PlannedLink client_link;                             // "client" on swa, eth0 in the client
  std::vector<std::string> client_gateways;            // default routes of the client (routed only)
  std::string router_netns;                            // P-router; empty unless routed
  std::vector<PlannedLink> router_links;               // ra, rb, rc
  std::vector<PlannedAddressOn> router_addresses;
  std::vector<std::string> router_sysctls;
  std::vector<IpPrefix> client_addresses;  // on client_link
  // Separate fabrics: "clientb" on swb, eth1 in the client, with the second network's
  // addresses (which are then not in client_addresses).
  std::optional<PlannedLink> client_fabric_b_link;
  std::vector<IpPrefix> client_fabric_b_addresses;
  std::vector<PlannedNode> nodes;
  std::vector<PlannedGroup> groups;
  std::vector<std::string> client_sysctls;  // "key=value", before any interface; nodes get none

  std::string state_dir;   // root/P
  std::string shared_dir;  // the "cluster filesystem"
  std::string nodes_file;
  std::string ip_groups_file;
  std::string lock_file;                 // [cluster] lock
  std::string key_file;                  // 32 random bytes, 0600 (written by the executor)
  std::string lab_json;                  // what `up` built, for later verbs
  std::vector<std::string> directories;  // made before the files, in order
  std::vector<PlannedFile> files;        // every configuration file but the key

  // Every namespace of the lab: the switch, the client, the router (if any), then the nodes.
  std::vector<std::string> namespaces() const;
  // Every public IP, group by group.
  std::vector<PlannedAddress> public_addresses() const;
  // The node named "n<i>" or "<i>"; nullptr when there is none.
  const PlannedNode* find_node(std::string_view name) const;
};

// The prefix names namespaces, paths and process markers: 1 to 32 of [a-z0-9-], starting
// with a letter or digit.
Result<void> check_prefix(std::string_view prefix);

// A `--tunable Name=Value` argument, split at its first '='; the error names the argument.
// Whether the name and value are valid is the tunables table's question.
Result<std::pair<std::string, std::string>> parse_tunable_argument(std::string_view text);

Result<LabPlan> make_lab_plan(const LabOptions& options);

// Whether `netns` is one that a lab with this prefix makes (P-sw, P-client, P-router,
// P-n<digits>).
// A lab named "tdm-lab" never claims "tdm-lab-2-sw", another lab's switch.
bool is_lab_namespace(std::string_view prefix, std::string_view netns);

}  // namespace tandem::lab
