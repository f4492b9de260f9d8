#include "lab/command.h"

#include <utility>

namespace tandem::lab {

std::string Command::text() const {
  std::string text;
  for (const auto& argument : argv) {
    if (!text.empty()) text += ' ';
    text += argument;
  }
  return text;
}

Command ip_in(const std::string& netns, std::vector<std::string> arguments) {
  Command command{{"ip", "-n", netns}};
  for (auto& argument : arguments) command.argv.push_back(std::move(argument));
  return command;
}

}  // namespace tandem::lab
