// `tandem alloc`: where allocate() puts every public IP of a cluster state given as JSON.
//
// The command as a pure function of the state's text (cluster_state_json.h gives both
// formats); app/ only reads the file or stdin and writes out the CommandOutput. It lets an
// operator ask "what would the leader do with this cluster?" and lets bugs in allocation
// be reported as one file that replays.
#pragma once

#include <string_view>

#include "ctl/command_output.h"

namespace tandem::ctl {

// Exit 0 with the assignment as JSON on `out`; or exit 2 (kExitBadInput) with
// "tandem alloc: PLACE: CAUSE" on `err` when the state is malformed.
CommandOutput run_alloc(std::string_view state_text);

}  // namespace tandem::ctl
