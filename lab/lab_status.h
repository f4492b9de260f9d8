// LabStatus: the lab as the kernel has it — ground truth, independent of the daemons.
//
// The executor reads `ip -j addr show` in every namespace and the pid files; everything
// here is pure: parsing that JSON, finding where every public IP is configured, and
// printing the result as text for people or JSON for scripts. A public IP found on two
// nodes is shown as such, never hidden: that is the fault the lab exists to catch.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "lab/lab_plan.h"

namespace tandem::lab {

struct InterfaceState {
  std::string name;
  std::string mac;
  bool is_up = false;               // administratively (IFF_UP)
  bool has_carrier = false;         // IFF_LOWER_UP: the other end of the cable is up
  std::string master;               // the bridge it is a port of, if any
  std::vector<IpPrefix> addresses;  // global scope only, in the kernel's order

  // "up", "no-carrier" (up, but the cable is "pulled") or "down".
  std::string link() const;
  friend bool operator==(const InterfaceState&, const InterfaceState&) = default;
};

// Parses the output of `ip -j addr show` (or `ip -j link show`: no addresses). `place`
// names the command in errors.
Result<std::vector<InterfaceState>> parse_ip_json(std::string_view json, std::string_view place);

struct ProcessState {
  int pid = 0;              // 0: no pid file
  bool is_running = false;  // alive and still the process that was started
  friend bool operator==(const ProcessState&, const ProcessState&) = default;
};

struct NodeState {
  std::string name;
  std::string netns;
  bool has_netns = false;
  std::vector<InterfaceState> interfaces;
  bool is_cut_off = false;  // its private port is on the partition bridge
  ProcessState daemon;
  ProcessState listener;
  friend bool operator==(const NodeState&, const NodeState&) = default;
};

struct Holder {
  std::string node;
  std::string interface;
  bool has_carrier = true;  // false: left on a dead link (a crashed node), unreachable
  friend bool operator==(const Holder&, const Holder&) = default;
};

struct PublicIpState {
  PlannedAddress address;
  std::vector<Holder> holders;  // more than one: the IP is on two nodes (or interfaces)

  // Holders that clients can reach: more than one is the fault that matters.
  int reachable_holder_count() const;
  friend bool operator==(const PublicIpState&, const PublicIpState&) = default;
};

struct LabStatus {
  std::string prefix;
  std::string state_dir;
  int public_interface_count = 0;
  int group_count = 0;
  bool has_daemons = true;
  std::vector<NodeState> nodes;
  std::vector<InterfaceState> client;
  std::vector<PublicIpState> public_ips;
  friend bool operator==(const LabStatus&, const LabStatus&) = default;
};

// Where each of the plan's public IPs is configured, from the nodes' interfaces.
std::vector<PublicIpState> locate_public_ips(const LabPlan& plan, const std::vector<NodeState>& nodes);

// The first node holding `address` where clients can reach it ("" when none): e.g. the
// holder of g0.
std::string holder_of(const LabStatus& status, const IpAddress& address);

std::string status_text(const LabStatus& status);
std::string status_json(const LabStatus& status);

}  // namespace tandem::lab
