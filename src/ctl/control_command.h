// The `tandem` verbs that talk to tandemd: command line → request, reply → output.
//
// app/ parses the command line with CLI11 from the table control_verbs() and hands over a
// CliCall; everything after that is here, as functions a test runs without a socket:
// request_for() checks the arguments and builds the ControlRequest, render_reply() turns
// the daemon's reply line into text (or --json) and an exit status, and run_control() does
// both around an Exchange that carries the line (the real one is sys::ask()).
//
// Errors go to stderr as "tandem: VERB: MESSAGE". Exit status (control-protocol.md):
// 0 done; 1 refused or failed (codes refused, internal; a malformed reply; a node or
// address a view cannot find); 2 usage (bad arguments; code bad_request); 3 no daemon
// (code forbidden too); 4 timeout (code timeout, or no reply in --timeout). With --json,
// a failure also prints {"ok": false, "exit_code": N, "meaning": WORDS, "error": MESSAGE}
// on stdout, so every --json verb prints JSON whatever the outcome.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ctl/command_output.h"
#include "ctl/control_request.h"

namespace tandem::ctl {

// One verb as the command line gave it.
struct CliCall {
  std::string verb;
  std::vector<std::string> arguments;  // the positional arguments, in order
  std::optional<std::string> node;     // -n PNN (ip also takes "all")
  bool is_verbose = false;             // -v
  bool wants_json = false;             // --json

  friend bool operator==(const CliCall&, const CliCall&) = default;
};

// A verb of the tool, for app/ to register and for help texts.
struct VerbSpec {
  std::string_view name;
  std::string_view summary;
  std::array<std::string_view, 2> arguments;  // names of the positional arguments; "" unused
  std::size_t argument_count;
  bool takes_node;     // -n PNN
  bool takes_verbose;  // -v

  std::span<const std::string_view> argument_names() const { return {arguments.data(), argument_count}; }
};

std::span<const VerbSpec> control_verbs();
const VerbSpec* find_verb(std::string_view name);

// The request a call sends. Errors are usage errors (exit 2) without a place: the caller
// prints "tandem: VERB: " before them.
Result<ControlRequest> request_for(const CliCall& call);

// The output for a reply line.
CommandOutput render_reply(const CliCall& call, std::string_view reply_line);

// Why no reply came (sys::AskFailure, in words ctl may know).
enum class NoAnswer : std::uint8_t { kNoDaemon, kTimeout, kFailed };

struct SocketAnswer {
  std::optional<NoAnswer> failure;  // none: `reply` holds the reply line
  std::string reply;
  Error error;  // when failure is set
};

using Exchange = std::function<SocketAnswer(const std::string& request_line)>;

// request_for(), then `exchange` (not called on a usage error), then render_reply().
CommandOutput run_control(const CliCall& call, const Exchange& exchange);

int exit_code_for(ReplyCode code);
int exit_code_for(NoAnswer failure);

// "tandem: VERB: MESSAGE\n" on stderr and `exit_code`.
CommandOutput verb_failed(std::string_view verb, std::string_view message, int exit_code);

}  // namespace tandem::ctl
