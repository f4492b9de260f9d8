// The control socket's requests and replies as values (docs/design/control-protocol.md).
//
// Both ends use this file: the tool encodes a ControlRequest with to_json(), the daemon
// reads the line with parse_control_request() and answers with reply_ok() or
// reply_error(). Parsing is strict (an unknown key or command is an error, as in every
// input the project reads), and every error names its place from the root "request":
// "request.node: expected a whole number of 0 or more, got \"two\"". Pure: no IO.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "model/tcp_connection.h"
#include "proto/message.h"

namespace tandem::ctl {

// `status`: the cluster as the leader sees it; every query verb of the tool reads it.
struct Status {
  friend bool operator==(const Status&, const Status&) = default;
};

// disable, enable, stop, continue, unban, ban, moveip, movegroup, setifacelink,
// reloadips, ipreallocate. A node left out means "this node" where the command acts on
// one node (proto::acts_on_node): then `names_node` is false, the command names node 0 in
// its place, and the daemon puts its own (proto::acting_on). For reloadips a node left out
// means every node.
struct Admin {
  proto::AdminCommand command;
  bool names_node = true;

  friend bool operator==(const Admin&, const Admin&) = default;
};

// The request for a command of `kind` from its arguments, which hold every argument it
// requires except, for a command that acts on one node, the node (a check).
Admin admin_for(proto::AdminCommandKind kind, proto::AdminArguments arguments);

struct ListVars {
  friend bool operator==(const ListVars&, const ListVars&) = default;
};

struct GetVar {
  std::string name;  // as given: tunable names are case-insensitive

  friend bool operator==(const GetVar&, const GetVar&) = default;
};

// `value` is text: a number, or for IPAllocAlgorithm also its name ("lcp2"), as
// set_tunable_text() reads it. On the wire a number or a string.
struct SetVar {
  std::string name;
  std::string value;

  friend bool operator==(const SetVar&, const SetVar&) = default;
};

struct Reload {
  friend bool operator==(const Reload&, const Reload&) = default;
};

// `statistics`: this node's counters and gauges (ctl/metrics_report.h); `tandem statistics`
// and `tandem metrics` both print it.
struct Statistics {
  friend bool operator==(const Statistics&, const Statistics&) = default;
};

// `history`: the last `count` takeover runs and local failovers (all kept when absent),
// and the last run of each hook.
struct History {
  std::optional<std::uint32_t> count;

  friend bool operator==(const History&, const History&) = default;
};

// `gettickles`: the tickle list this node knows for `address` (ctl/tickle_views.h).
struct GetTickles {
  IpAddress address;

  friend bool operator==(const GetTickles&, const GetTickles&) = default;
};

// `addtickle` / `deltickle`: a connection joins or leaves the tickle list of its server
// address, which the receiving node must hold. {"command": "addtickle", "source":
// "CLIENT:PORT", "destination": "PUBLIC-IP:PORT"}, as CTDB's SRC and DST.
struct TickleEdit {
  bool is_add = true;
  TcpConnection connection;

  friend bool operator==(const TickleEdit&, const TickleEdit&) = default;
};

using ControlRequest =
    std::variant<Status, Admin, ListVars, GetVar, SetVar, Reload, Statistics, History, GetTickles, TickleEdit>;

// "status", "disable", "listvars", ...: the request's "command".
std::string_view command_word(const ControlRequest& request);

// {"command": "ban", "node": 2, "seconds": 60}; keys of absent arguments are left out.
nlohmann::json to_json(const ControlRequest& request);

// The request line as to_json() makes it: compact, one line, no newline.
std::string encode_request(const ControlRequest& request);

// Errors (all answered with code bad_request): not JSON or not an object, an unknown
// command (the error lists the known ones), a missing, unknown or malformed argument.
Result<ControlRequest> parse_control_request(std::string_view line);

// Linux's rule in short (config/interface_names.h has it in full): 1 to 15 bytes, no
// blank, control character, '/', ':' or ','. The daemon refuses an interface it does not
// know; this keeps out of requests what the wire encoder cannot carry (a name it would
// refuse must never reach it: proto/payload.cc checks these limits as invariants).
bool is_interface_name(std::string_view text);

// A name the wire can carry: 1 to proto::kGroupNameMax bytes, no blank or control
// character. (ip_groups is stricter; a name it refuses is simply not found.)
bool is_group_name(std::string_view text);
std::string group_name_rule();  // the rule above in words, for errors

// The codes of an error reply; the tool's exit status follows from them.
enum class ReplyCode : std::uint8_t {
  kBadRequest,  // malformed JSON, unknown command, missing or bad argument: exit 2
  kRefused,     // the cluster refused: a node not configured, no leader, ...: exit 1
  kTimeout,     // the leader did not answer in time: exit 4
  kForbidden,   // the caller is not root: exit 3
  kInternal,    // the daemon dropped the request (a bug): exit 1
};

std::string_view code_word(ReplyCode code);
std::optional<ReplyCode> parse_code_word(std::string_view word);

// One line each, without the newline the server adds.
std::string reply_ok(const nlohmann::json& result);                 // {"ok":true,"result":...}
std::string reply_error(ReplyCode code, std::string_view message);  // {"ok":false,"code":...,"error":...}

// An admin command's result, and reload's: {"message": TEXT}.
nlohmann::json message_result(std::string_view message);

}  // namespace tandem::ctl
