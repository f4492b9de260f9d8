// `tandem check`: every file tandemd would read, checked without a running daemon.
//
// check_configuration() reads tandem.conf and the files it names with the daemon's own
// loading steps (daemon_config.h), so check and daemon cannot disagree about a file, but
// goes on past the first error to report them all. Then it asks the host what the daemon
// will need of it (host_facts.h) and lets config/host_check.h judge: the cluster key (mode,
// owner, length), the events directory, the cluster lock's directory or helper, the
// interfaces public_addresses names, and which nodes-file line is this node. Problems make
// the verdict fail; warnings (what only the whole cluster can decide) do not.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/daemon_config.h"
#include "base/error.h"
#include "ctl/command_output.h"

namespace tandem::app {

struct CheckOptions {
  std::uint32_t key_owner = 0;  // the uid the cluster key must belong to: tandemd runs as root
};

struct CheckReport {
  std::string conf_path;
  std::vector<Error> problems;  // "FILE:LINE: cause" or "FILE: cause", in the order found
  std::vector<Error> warnings;
  std::optional<std::string> summary;  // when every file was read: "node 0 of 3, ..."

  bool is_valid() const { return problems.empty(); }
};

CheckReport check_configuration(const std::string& conf_path, const CheckOptions& options);

// Text: one line per problem ("PLACE: CAUSE"), per warning ("PLACE: warning: CAUSE"), then
// the verdict "tandem check: CONF: valid (...)" or "... N problems". --json: {"valid",
// "config", "problems": [{"place", "cause"}], "warnings": [...], "summary"}. Exit 0 when
// valid, else 1.
ctl::CommandOutput render_check(const CheckReport& report, bool wants_json);

}  // namespace tandem::app
