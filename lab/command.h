// Command: one program to run, as an argument vector (no shell ever reads it).
//
// LabPlan's setup is a list of these, computed purely so that tests can read it; the
// executor (command_runner.h) runs them. text() is for error messages and logs only: it
// quotes nothing and must never be handed to a shell.
#pragma once

#include <string>
#include <vector>

namespace tandem::lab {

struct Command {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH

  // The arguments joined by spaces, e.g. "ip -n tdm-lab-sw link set swa up".
  std::string text() const;

  friend bool operator==(const Command&, const Command&) = default;
};

// `ip -n NETNS ARGS...`
Command ip_in(const std::string& netns, std::vector<std::string> arguments);

}  // namespace tandem::lab
