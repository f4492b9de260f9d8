#include "ctl/control_command.h"

#include <array>
#include <limits>
#include <utility>

#include "base/text.h"
#include "ctl/cluster_status.h"
#include "ctl/history_views.h"
#include "ctl/json_reader.h"
#include "ctl/metrics_report.h"
#include "ctl/status_views.h"
#include "ctl/tickle_views.h"
#include "ctl/tunable_views.h"

namespace tandem::ctl {

namespace {

constexpr std::array<VerbSpec, 28> kVerbs{{
    {"status", "Show every node, its flags, the epoch and the leader.", {}, 0, false, false},
    {"ip", "Show the public IPs a node may host and who holds each (-n all: every IP).", {}, 0, true, true},
    {"ipinfo", "Show one public IP: who holds it, on which interface, its group.", {"IP", ""}, 1, true, false},
    {"ifaces", "Show a node's public interfaces, their links and how many IPs each holds.", {}, 0, true, false},
    {"groups", "Show every IP group, the node holding it and where each address is.", {}, 0, false, false},
    {"listnodes", "Show the address of every node.", {}, 0, false, false},
    {"leader", "Show the leader's PNN.", {}, 0, false, false},
    {"disable", "Disable a node: it keeps running but hosts no public IP.", {}, 0, true, false},
    {"enable", "Enable a disabled node again.", {}, 0, true, false},
    {"stop", "Stop a node: it leaves the cluster's work until 'continue'.", {}, 0, true, false},
    {"continue", "Let a stopped node take part again.", {}, 0, true, false},
    {"ban", "Ban a node for SECONDS: it hosts nothing until then.", {"SECONDS", ""}, 1, true, false},
    {"unban", "Lift a node's ban.", {}, 0, true, false},
    {"moveip", "Move the group of public IP IP to node PNN.", {"IP", "PNN"}, 2, false, false},
    {"movegroup", "Move IP group NAME to node PNN.", {"NAME", "PNN"}, 2, false, false},
    {"setifacelink", "Mark a node's interface IFACE up or down (LINK: up or down).", {"IFACE", "LINK"}, 2, true, false},
    {"reloadips", "Re-read public_addresses and ip_groups and rebalance.", {}, 0, true, false},
    {"ipreallocate", "Run a takeover run now and wait until it is done.", {}, 0, false, false},
    {"listvars", "Show this node's tunables.", {}, 0, false, false},
    {"getvar", "Show one tunable of this node.", {"NAME", ""}, 1, false, false},
    {"setvar", "Set a tunable on this node until the daemon restarts or reloads.", {"NAME", "VALUE"}, 2, false, false},
    {"reload", "Re-read every configuration file, as SIGHUP does.", {}, 0, false, false},
    {"statistics", "Show this node's counters since its daemon started.", {}, 0, false, false},
    {"metrics", "Print this node's counters and gauges in Prometheus's text format.", {}, 0, false, false},
    {"history",
     "Show the last takeover runs and local failovers (-n N: how many), and each hook's last run.",
     {},
     0,
     true,
     false},
    {"gettickles",
     "Show the TCP connections this node knows to public IP IP (its tickle list).",
     {"IP", ""},
     1,
     false,
     false},
    {"addtickle",
     "Add connection SRC:PORT (client) to DST:PORT (a public IP this node holds) to its tickle list.",
     {"SRC:PORT", "DST:PORT"},
     2,
     false,
     false},
    {"deltickle",
     "Delete connection SRC:PORT to DST:PORT from the tickle list of DST.",
     {"SRC:PORT", "DST:PORT"},
     2,
     false,
     false},
}};

// The verbs whose request is `status` and whose output is a view of it.
bool is_query(std::string_view verb) {
  return verb == "status" || verb == "ip" || verb == "ipinfo" || verb == "ifaces" || verb == "groups" ||
         verb == "listnodes" || verb == "leader";
}

// The verbs whose output says where the status came from.
bool warns_without_leader(std::string_view verb) { return is_query(verb) && verb != "listnodes" && verb != "leader"; }

std::optional<proto::AdminCommandKind> admin_kind(std::string_view verb) {
  for (std::uint8_t number = 1; number <= proto::kAdminCommandKindMax; ++number) {
    const auto kind = proto::admin_command_kind(number);
    if (proto::command_word(*kind) == verb) return kind;
  }
  return std::nullopt;
}

Result<NodeId> parse_pnn(std::string_view text, std::string_view what) {
  const auto number = parse_unsigned(text);
  if (!number || *number > std::numeric_limits<std::uint32_t>::max()) {
    return fail("", std::string(what) + ": expected a PNN (a node's number), got '" + std::string(text) + "'");
  }
  return NodeId(static_cast<std::uint32_t>(*number));
}

Result<NodeChoice> node_choice(const CliCall& call) {
  if (!call.node) return NodeChoice{};
  if (call.verb == "ip" && *call.node == "all") return NodeChoice{true, std::nullopt};
  auto pnn = parse_pnn(*call.node, "-n");
  if (!pnn) return fail(pnn.error());
  return NodeChoice{false, pnn->value()};
}

Result<IpAddress> parse_ip_argument(std::string_view text) {
  auto address = IpAddress::parse(text);
  if (!address) return fail("", "IP: expected an IP address without prefix, got '" + std::string(text) + "'");
  return *address;
}

// The admin command's arguments beyond the node, from the positional arguments (as many as
// the verb's VerbSpec names, which the caller has checked).
Result<void> add_positional(const CliCall& call, proto::AdminCommandKind kind, proto::AdminArguments& arguments) {
  using Kind = proto::AdminCommandKind;
  const auto& args = call.arguments;
  switch (kind) {
    case Kind::kBan: {
      const auto seconds = parse_unsigned(args[0]);
      if (!seconds || *seconds == 0 || *seconds > std::numeric_limits<std::uint32_t>::max()) {
        return fail("", "SECONDS: expected a number of seconds from 1 to 4294967295, got '" + args[0] + "'");
      }
      arguments.seconds = static_cast<std::uint32_t>(*seconds);
      return success();
    }
    case Kind::kMoveIp:
    case Kind::kMoveGroup: {
      if (kind == Kind::kMoveIp) {
        auto address = parse_ip_argument(args[0]);
        if (!address) return fail(address.error());
        arguments.address = *address;
      } else {
        if (!is_group_name(args[0])) {
          return fail("", "NAME: expected a group's name (" + group_name_rule() + "), got " + describe(Json(args[0])));
        }
        arguments.group = GroupName(args[0]);
      }
      auto pnn = parse_pnn(args[1], "PNN");
      if (!pnn) return fail(pnn.error());
      arguments.node = *pnn;
      return success();
    }
    case Kind::kSetInterfaceLink: {
      if (!is_interface_name(args[0]))
        return fail("", "IFACE: expected an interface name, got " + describe(Json(args[0])));
      if (args[1] != "up" && args[1] != "down") return fail("", "LINK: expected 'up' or 'down', got '" + args[1] + "'");
      arguments.interface = InterfaceName(args[0]);
      arguments.link = args[1] == "up" ? LinkState::kUp : LinkState::kDown;
      return success();
    }
    case Kind::kDisable:
    case Kind::kEnable:
    case Kind::kUnban:
    case Kind::kStop:
    case Kind::kContinue:
    case Kind::kReloadIps:
    case Kind::kIpReallocate:
      return success();
  }
  return success();
}

Result<ControlRequest> admin_request(const CliCall& call, proto::AdminCommandKind kind) {
  proto::AdminArguments arguments;
  if (call.node) {
    auto pnn = parse_pnn(*call.node, "-n");
    if (!pnn) return fail(pnn.error());
    arguments.node = *pnn;
  }
  if (auto added = add_positional(call, kind, arguments); !added) return fail(added.error());
  return ControlRequest(admin_for(kind, std::move(arguments)));
}

std::string pretty(const Json& value) { return value.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"; }

// The output of a query verb, from the status result.
CommandOutput render_query(const CliCall& call, const Json& result) {
  auto status = read_cluster_status(result);
  if (!status) return verb_failed(call.verb, "malformed reply from tandemd: " + status.error().message(), kExitFailed);
  const NodeChoice choice = node_choice(call).value();  // checked by request_for()
  Result<View> view = fail("", "unreachable");
  if (call.verb == "status") view = status_view(result, *status);
  if (call.verb == "ip") view = ip_view(result, *status, choice, call.is_verbose);
  if (call.verb == "ipinfo") view = ipinfo_view(*status, parse_ip_argument(call.arguments[0])->to_string(), choice);
  if (call.verb == "ifaces") view = ifaces_view(result, *status, choice);
  if (call.verb == "groups") view = groups_view(result, *status);
  if (call.verb == "listnodes") view = listnodes_view(*status);
  if (call.verb == "leader") view = leader_view(*status);
  if (!view) return verb_failed(call.verb, view.error().message(), kExitFailed);
  CommandOutput output{kExitOk, call.wants_json ? pretty(view->json) : view->text, ""};
  if (!status->from_leader && warns_without_leader(call.verb)) {
    output.err = "tandem: " + call.verb + ": no leader answered: only this node's own state is certain\n";
  }
  return output;
}

// An admin command's or reload's result: {"message": TEXT}, printed when not empty.
CommandOutput render_message(const CliCall& call, const Json& result) {
  if (call.wants_json) return CommandOutput{kExitOk, pretty(result), ""};
  const Json* message = result.is_object() ? optional_member(result, "message") : nullptr;
  if (message == nullptr || !message->is_string()) {
    return verb_failed(call.verb, "malformed reply from tandemd: result.message: expected a string", kExitFailed);
  }
  const std::string& text = message->get_ref<const std::string&>();
  return CommandOutput{kExitOk, text.empty() ? "" : text + "\n", ""};
}

// statistics: the counters as text; metrics: Prometheus's text format; --json: the result.
CommandOutput render_metrics(const CliCall& call, const Json& result) {
  if (call.wants_json) return CommandOutput{kExitOk, pretty(result), ""};
  auto report = metrics_from_json(result, "result");
  if (!report) return verb_failed(call.verb, "malformed reply from tandemd: " + report.error().message(), kExitFailed);
  return CommandOutput{kExitOk, call.verb == "metrics" ? prometheus_text(*report) : statistics_text(*report), ""};
}

// history -n N: N is how many runs, not a node.
Result<ControlRequest> history_request(const CliCall& call) {
  if (!call.node) return ControlRequest(History{});
  const auto count = parse_unsigned(*call.node);
  if (!count || *count == 0 || *count > std::numeric_limits<std::uint32_t>::max()) {
    return fail("", "-n: expected how many runs to show (1 or more), got '" + *call.node + "'");
  }
  return ControlRequest(History{static_cast<std::uint32_t>(*count)});
}

// addtickle / deltickle SRC:PORT DST:PORT: SRC the client's end, DST the public IP's (CTDB's order).
Result<ControlRequest> tickle_edit_request(const CliCall& call) {
  auto source = TcpEndpoint::parse(call.arguments[0]);
  if (!source) {
    return fail("", "SRC:PORT: expected ADDRESS:PORT ([ADDRESS]:PORT for IPv6), got '" + call.arguments[0] +
                        "': " + source.error().message());
  }
  auto destination = TcpEndpoint::parse(call.arguments[1]);
  if (!destination) {
    return fail("", "DST:PORT: expected ADDRESS:PORT ([ADDRESS]:PORT for IPv6), got '" + call.arguments[1] +
                        "': " + destination.error().message());
  }
  if (source->address.family() != destination->address.family()) {
    return fail("", "SRC:PORT and DST:PORT must both be IPv4 or both IPv6, got '" + call.arguments[0] + "' and '" +
                        call.arguments[1] + "'");
  }
  return ControlRequest(TickleEdit{call.verb == "addtickle", TcpConnection{*destination, *source}});
}

CommandOutput render_result(const CliCall& call, const Json& result) {
  if (is_query(call.verb)) return render_query(call, result);
  if (call.verb == "listvars" || call.verb == "getvar") {
    if (call.wants_json) return CommandOutput{kExitOk, pretty(result), ""};
    auto text = call.verb == "listvars" ? listvars_text(result) : getvar_text(result);
    if (!text) return verb_failed(call.verb, "malformed reply from tandemd: " + text.error().message(), kExitFailed);
    return CommandOutput{kExitOk, *text, ""};
  }
  if (call.verb == "setvar") return CommandOutput{kExitOk, call.wants_json ? pretty(result) : "", ""};
  if (call.verb == "statistics" || call.verb == "metrics") return render_metrics(call, result);
  if (call.verb == "gettickles") {
    if (call.wants_json) return CommandOutput{kExitOk, pretty(result), ""};
    auto text = tickles_text(result);
    if (!text) return verb_failed(call.verb, "malformed reply from tandemd: " + text.error().message(), kExitFailed);
    return CommandOutput{kExitOk, *text, ""};
  }
  if (call.verb == "history") {
    if (call.wants_json) return CommandOutput{kExitOk, pretty(result), ""};
    auto text = history_text(result);
    if (!text) return verb_failed(call.verb, "malformed reply from tandemd: " + text.error().message(), kExitFailed);
    return CommandOutput{kExitOk, *text, ""};
  }
  return render_message(call, result);
}

}  // namespace

std::span<const VerbSpec> control_verbs() { return kVerbs; }

const VerbSpec* find_verb(std::string_view name) {
  for (const VerbSpec& spec : kVerbs) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Result<ControlRequest> request_for(const CliCall& call) {
  const VerbSpec* spec = find_verb(call.verb);
  if (spec == nullptr) return fail("", "unknown command");
  if (call.arguments.size() != spec->argument_count) {
    std::string names;
    for (auto name : spec->argument_names()) names += " " + std::string(name);
    return fail("", "expected " + std::to_string(spec->argument_count) + " arguments:" + names);
  }
  if (call.node && !spec->takes_node) return fail("", "-n is not an option of " + call.verb);
  if (call.is_verbose && !spec->takes_verbose) return fail("", "-v is not an option of " + call.verb);
  if (call.verb == "history") return history_request(call);
  if (auto choice = node_choice(call); !choice) return fail(choice.error());
  if (is_query(call.verb)) {
    if (call.verb == "ipinfo") {
      if (auto address = parse_ip_argument(call.arguments[0]); !address) return fail(address.error());
    }
    return ControlRequest(Status{});
  }
  if (const auto kind = admin_kind(call.verb)) return admin_request(call, *kind);
  if (call.verb == "listvars") return ControlRequest(ListVars{});
  if (call.verb == "getvar") return ControlRequest(GetVar{call.arguments[0]});
  if (call.verb == "setvar") return ControlRequest(SetVar{call.arguments[0], call.arguments[1]});
  if (call.verb == "statistics" || call.verb == "metrics") return ControlRequest(Statistics{});
  if (call.verb == "gettickles") {
    auto address = parse_ip_argument(call.arguments[0]);
    if (!address) return fail(address.error());
    return ControlRequest(GetTickles{*address});
  }
  if (call.verb == "addtickle" || call.verb == "deltickle") return tickle_edit_request(call);
  return ControlRequest(Reload{});
}

namespace {

std::string_view exit_meaning(int exit_code) {
  switch (exit_code) {
    case kExitOk:
      return "done";
    case kExitFailed:
      return "refused or failed";
    case kExitBadInput:
      return "usage";
    case kExitNoDaemon:
      return "no daemon";
    case kExitTimeout:
      return "timeout";
  }
  return "failed";
}

// With --json a failure prints a JSON error object too, so a script reading stdout gets
// JSON whatever the outcome; the message stays on stderr for people.
CommandOutput with_json_error(const CliCall& call, CommandOutput output) {
  if (!call.wants_json || output.exit_code == kExitOk || !output.out.empty()) return output;
  std::string message = output.err;
  const std::string lead = "tandem: " + call.verb + ": ";
  if (message.starts_with(lead)) message.erase(0, lead.size());
  if (!message.empty() && message.back() == '\n') message.pop_back();
  output.out = pretty(Json{{"ok", false},
                           {"exit_code", output.exit_code},
                           {"meaning", std::string(exit_meaning(output.exit_code))},
                           {"error", message}});
  return output;
}

CommandOutput render_reply_line(const CliCall& call, std::string_view reply_line) {
  auto reply = parse_json(reply_line, "reply");
  if (!reply) return verb_failed(call.verb, "malformed reply from tandemd: " + reply.error().message(), kExitFailed);
  const Json* ok = reply->is_object() ? optional_member(*reply, "ok") : nullptr;
  if (ok == nullptr || !ok->is_boolean()) {
    return verb_failed(call.verb, "malformed reply from tandemd: reply.ok: expected true or false", kExitFailed);
  }
  if (!ok->get<bool>()) {
    const Json* code = optional_member(*reply, "code");
    const Json* error = optional_member(*reply, "error");
    const auto known = code && code->is_string() ? parse_code_word(code->get_ref<const std::string&>()) : std::nullopt;
    const std::string message = error && error->is_string() ? error->get<std::string>() : "failed (no reason given)";
    return verb_failed(call.verb, message, known ? exit_code_for(*known) : kExitFailed);
  }
  const Json* result = optional_member(*reply, "result");
  if (result == nullptr)
    return verb_failed(call.verb, "malformed reply from tandemd: reply: missing \"result\"", kExitFailed);
  return render_result(call, *result);
}

}  // namespace

CommandOutput render_reply(const CliCall& call, std::string_view reply_line) {
  return with_json_error(call, render_reply_line(call, reply_line));
}

CommandOutput run_control(const CliCall& call, const Exchange& exchange) {
  auto request = request_for(call);
  if (!request) return with_json_error(call, verb_failed(call.verb, request.error().message(), kExitBadInput));
  const SocketAnswer answer = exchange(encode_request(*request));
  if (answer.failure) {
    return with_json_error(call, verb_failed(call.verb, answer.error.message(), exit_code_for(*answer.failure)));
  }
  return render_reply(call, answer.reply);
}

int exit_code_for(ReplyCode code) {
  switch (code) {
    case ReplyCode::kBadRequest:
      return kExitBadInput;
    case ReplyCode::kRefused:
      return kExitFailed;
    case ReplyCode::kTimeout:
      return kExitTimeout;
    case ReplyCode::kForbidden:
      return kExitNoDaemon;
    case ReplyCode::kInternal:
      return kExitFailed;
  }
  return kExitFailed;
}

int exit_code_for(NoAnswer failure) {
  switch (failure) {
    case NoAnswer::kNoDaemon:
      return kExitNoDaemon;
    case NoAnswer::kTimeout:
      return kExitTimeout;
    case NoAnswer::kFailed:
      return kExitFailed;
  }
  return kExitFailed;
}

CommandOutput verb_failed(std::string_view verb, std::string_view message, int exit_code) {
  return CommandOutput{exit_code, "", "tandem: " + std::string(verb) + ": " + std::string(message) + "\n"};
}

}  // namespace tandem::ctl
