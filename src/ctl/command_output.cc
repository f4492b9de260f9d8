#include "ctl/command_output.h"

namespace tandem::ctl {

CommandOutput command_failed(std::string_view command, const Error& error, int exit_code) {
  return CommandOutput{exit_code, "", "tandem " + std::string(command) + ": " + error.message() + "\n"};
}

}  // namespace tandem::ctl
