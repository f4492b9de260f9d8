// check_daemon_config(): what tandemd refuses or warns about in a configuration that
// parsed, at start and at every reload (docs/design/limits.md).
//
// The parsers check each file alone; this checks what only the whole configuration shows:
//  - refused: LeaseTimeoutMs not longer than DeadTimeoutMs (a lost leader would make every
//    node drop its IPs before a new one could renew a lease: docs/design/cluster.md);
//  - refused: a `nodes` address that is also one of this node's public addresses (the
//    daemon would remove its own mesh address: config::check_nodes_not_public());
//  - refused: messages that grow with the configuration and would not fit in a frame
//    (proto::kPayloadSizeMax): this node's StateReport with every address held, and the
//    status reply the leader sends, reckoned as every configured node being like this one;
//  - warned: config::validate_cluster() over the groups this node lists an address of,
//    with this node's public_addresses: a group it lists only part of (it can never host
//    that group), a preferred interface it does not list for the address. These are
//    warnings, not refusals: another node's files may be the ones that are right.
// Pure: it reads no file (the caller has); the clock, sockets and kernel are not involved.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "app/daemon_config.h"
#include "base/result.h"

namespace tandem::app {

// Bytes the wire would need, as check_daemon_config() reckons them (for tests and errors).
struct MessageSizes {
  std::size_t state_report = 0;  // this node's, with every public address held
  std::size_t status_reply = 0;  // every configured node like this one
};

MessageSizes reckon_message_sizes(const DaemonConfig& config);

// The warnings (each a line for the log), or the first refusal, placed at the file.
Result<std::vector<std::string>> check_daemon_config(const DaemonConfig& config);

}  // namespace tandem::app
