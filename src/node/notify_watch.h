// The `notify` hook event (CTDB's notification script), decided at the node layer.
//
// notifications() compares the machine's public face before and after one Node::handle()
// and the event itself, and says which `notify` runs are due, each as its arguments:
//   notify unhealthy | healthy           this node's monitor verdict (UNHEALTHY) changed
//   notify disabled | enabled            DISABLED set or cleared
//   notify banned | unbanned             BANNED set or cleared
//   notify stopped | continued           STOPPED set or cleared
//   notify leader PNN | leader none      the leader this node follows changed (itself too)
//   notify link IFACE up | down          a public interface's link changed
// The Node runs them one at a time, in order, through the same hook runner as every event
// (scripts in lexical order, EventScriptTimeoutMs for the whole run). Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cluster/event.h"
#include "node/counters.h"

namespace tandem::node {

// `previous_link`: the link state of a LinkChanged event's interface before it, if known.
std::vector<std::vector<std::string>> notifications(const MachineGlance& before, const MachineGlance& after,
                                                    const cluster::Event& event,
                                                    std::optional<LinkState> previous_link);

}  // namespace tandem::node
