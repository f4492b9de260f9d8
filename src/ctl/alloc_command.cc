#include "ctl/alloc_command.h"

#include "alloc/allocate.h"
#include "ctl/cluster_state_json.h"

namespace tandem::ctl {

CommandOutput run_alloc(std::string_view state_text) {
  auto request = parse_cluster_state(state_text);
  if (!request) return command_failed("alloc", request.error(), kExitBadInput);
  const Assignment result = alloc::allocate(request->view, request->tunables, request->current);
  return CommandOutput{kExitOk, render_assignment(result, request->current), ""};
}

}  // namespace tandem::ctl
