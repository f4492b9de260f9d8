// The identifiers of the domain: a node's PNN, an interface's name, a group's name.
#pragma once

#include <cstdint>
#include <string>

#include "base/strong_id.h"

namespace tandem {

// A node's number: its line in the `nodes` file, from 0 (CTDB's PNN).
using NodeId = StrongId<struct NodeIdTag, std::uint32_t>;

// A public network interface of a node, by its kernel name ("eth1").
using InterfaceName = StrongId<struct InterfaceNameTag, std::string>;

// The name of an IP group, from the `ip_groups` file.
using GroupName = StrongId<struct GroupNameTag, std::string>;

}  // namespace tandem
