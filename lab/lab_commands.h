// The commands that build a lab and inject its faults, computed from a LabPlan.
//
// Pure: these functions only decide which `ip`/`sysctl` commands to run, in which order;
// the executor (lab.h) runs them and stops at the first that fails. Keeping them here lets
// tests read the exact commands and lets a reader see the whole topology in one file.
#pragma once

#include <string>
#include <vector>

#include "lab/command.h"
#include "lab/lab_plan.h"

namespace tandem::lab {

// Everything that `up` runs, in order: namespaces, the client's sysctls (before any
// interface moves in, so that its interface inherits them from `default`; the nodes get
// none: tandemd sets theirs), bridges, the inter-switch link,
// every node's and the client's veth pairs, and the private and client addresses. Public
// IPs are not added: they are the daemons' (or a test's) to add.
std::vector<Command> setup_commands(const LabPlan& plan);

// Sets the switch-side port of `node`'s link `link` (0 = eth0) down or up: the node's
// interface loses or regains carrier, like a pulled cable (lab/README.md).
Command set_port_command(const LabPlan& plan, const PlannedNode& node, int link, bool is_up);
// The bridge port state of a node's switch port: forwarding (3), or disabled (0), which
// drops every frame both ways while both ends keep their carrier.
Command set_port_forwarding_command(const LabPlan& plan, const PlannedNode& node, int link, bool forwards);

// Moves `node`'s private port to `bridge` (swq: cut off; swp: joined again).
Command attach_private_port_command(const LabPlan& plan, const PlannedNode& node, const std::string& bridge);

// What a reboot loses: every global address on the public interfaces and the neighbour
// cache.
std::vector<Command> forget_public_state_commands(const PlannedNode& node);

}  // namespace tandem::lab
