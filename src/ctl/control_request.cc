#include "ctl/control_request.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>

#include "base/check.h"
#include "ctl/json_reader.h"
#include "proto/limits.h"

namespace tandem::ctl {

namespace {

constexpr std::string_view kRoot = "request";

using Argument = proto::AdminArgument;
using Kind = proto::AdminCommandKind;

// In the order the list of known commands gives them.
constexpr std::array<Kind, proto::kAdminCommandKindMax> kAdminKinds{
    Kind::kDisable,      Kind::kEnable, Kind::kStop,      Kind::kContinue,         Kind::kUnban,
    Kind::kBan,          Kind::kMoveIp, Kind::kMoveGroup, Kind::kSetInterfaceLink, Kind::kReloadIps,
    Kind::kIpReallocate,
};

std::optional<Kind> find_admin(std::string_view word) {
  for (Kind kind : kAdminKinds) {
    if (proto::command_word(kind) == word) return kind;
  }
  return std::nullopt;
}

std::string known_commands() {
  std::string list = "status";
  for (Kind kind : kAdminKinds) list += ", " + std::string(proto::command_word(kind));
  return list + ", listvars, getvar, setvar, reload, statistics, history, gettickles, addtickle, deltickle";
}

// The argument's key in the request, e.g. "seconds" for ban's.
constexpr std::string_view key_of(Argument argument) {
  switch (argument) {
    case Argument::kNode:
      return "node";
    case Argument::kSeconds:
      return "seconds";
    case Argument::kAddress:
      return "address";
    case Argument::kGroup:
      return "group";
    case Argument::kInterface:
      return "interface";
    case Argument::kLink:
      return "link";
  }
  return "";
}

constexpr std::array<Argument, 6> kArguments{Argument::kNode,  Argument::kSeconds,   Argument::kAddress,
                                             Argument::kGroup, Argument::kInterface, Argument::kLink};

// What a request must give: what the command requires, except the node of a command that
// acts on one node (left out, it is the node that receives the request).
bool is_required(Kind kind, Argument argument) {
  if (argument == Argument::kNode && proto::acts_on_node(kind)) return false;
  return proto::requires_argument(kind, argument);
}

Result<std::uint32_t> read_u32(const Json& value, const JsonPlace& place, std::uint32_t min) {
  auto number = read_unsigned(value, place);
  if (!number) return fail(number.error());
  if (*number < min || *number > std::numeric_limits<std::uint32_t>::max()) {
    return fail(place.to_string(), "expected a whole number from " + std::to_string(min) + " to " +
                                       std::to_string(std::numeric_limits<std::uint32_t>::max()) + ", got " +
                                       describe(value));
  }
  return static_cast<std::uint32_t>(*number);
}

Result<std::string> read_word(const Json& value, const JsonPlace& place, std::string_view what) {
  auto text = read_string(value, place);
  if (!text) return fail(text.error());
  if (text->empty()) return fail(place.to_string(), "expected " + std::string(what) + ", got \"\"");
  return std::string(*text);
}

Result<InterfaceName> read_interface(const Json& value, const JsonPlace& place) {
  auto text = read_string(value, place);
  if (!text || !is_interface_name(*text)) {
    return fail(place.to_string(), "expected an interface name, got " + describe(value));
  }
  return InterfaceName(std::string(*text));
}

Result<void> read_argument(const Json& value, const JsonPlace& place, Argument argument,
                           proto::AdminArguments& arguments) {
  switch (argument) {
    case Argument::kNode: {
      auto node = read_u32(value, place, 0);
      if (!node) return fail(node.error());
      arguments.node = NodeId(*node);
      return success();
    }
    case Argument::kSeconds: {
      auto seconds = read_u32(value, place, 1);
      if (!seconds) return fail(seconds.error());
      arguments.seconds = *seconds;
      return success();
    }
    case Argument::kAddress: {
      auto text = read_string(value, place);
      if (!text) return fail(text.error());
      auto address = IpAddress::parse(*text);
      if (!address) return fail(place.to_string(), "expected an IP address without prefix, got " + describe(value));
      arguments.address = *address;
      return success();
    }
    case Argument::kGroup: {
      auto text = read_string(value, place);
      if (!text || !is_group_name(*text)) {
        return fail(place.to_string(), "expected a group name (" + group_name_rule() + "), got " + describe(value));
      }
      arguments.group = GroupName(std::string(*text));
      return success();
    }
    case Argument::kInterface: {
      auto interface = read_interface(value, place);
      if (!interface) return fail(interface.error());
      arguments.interface = std::move(*interface);
      return success();
    }
    case Argument::kLink: {
      auto text = read_string(value, place);
      if (!text || (*text != "up" && *text != "down")) {
        return fail(place.to_string(), "expected \"up\" or \"down\", got " + describe(value));
      }
      arguments.link = *text == "up" ? LinkState::kUp : LinkState::kDown;
      return success();
    }
  }
  return success();
}

Result<void> expect_keys(const Json& object, const JsonPlace& place, Kind kind) {
  for (const auto& [key, value] : object.items()) {
    if (key == "command") continue;
    bool is_known = false;
    for (Argument argument : kArguments)
      is_known = is_known || (proto::takes(kind, argument) && key_of(argument) == key);
    if (is_known) continue;
    std::string list = "command";
    for (Argument argument : kArguments) {
      if (proto::takes(kind, argument)) list += ", " + std::string(key_of(argument));
    }
    return fail(place.member(key).to_string(), "unknown key (known here: " + list + ")");
  }
  return success();
}

Result<ControlRequest> parse_admin(const Json& object, const JsonPlace& place, Kind kind) {
  if (auto known = expect_keys(object, place, kind); !known) return fail(known.error());
  proto::AdminArguments arguments;
  for (Argument argument : kArguments) {
    if (!proto::takes(kind, argument)) continue;
    const Json* value = optional_member(object, key_of(argument));
    if (value == nullptr || (value->is_null() && !is_required(kind, argument))) {
      if (is_required(kind, argument))
        return fail(place.to_string(), "missing \"" + std::string(key_of(argument)) + "\"");
      continue;
    }
    if (auto read = read_argument(*value, place.member(key_of(argument)), argument, arguments); !read) {
      return fail(read.error());
    }
  }
  return ControlRequest(admin_for(kind, arguments));
}

Result<ControlRequest> parse_setvar(const Json& object, const JsonPlace& place) {
  if (auto known = expect_known_keys(object, place, {"command", "name", "value"}); !known) return fail(known.error());
  auto name_value = required_member(object, "name", place);
  if (!name_value) return fail(name_value.error());
  auto name = read_word(**name_value, place.member("name"), "a tunable's name");
  if (!name) return fail(name.error());
  auto value = required_member(object, "value", place);
  if (!value) return fail(value.error());
  if ((*value)->is_number_unsigned())
    return ControlRequest(SetVar{*name, std::to_string((*value)->get<std::uint64_t>())});
  if (!(*value)->is_string()) {
    return fail(place.member("value").to_string(), "expected a number or a string, got " + describe(**value));
  }
  return ControlRequest(SetVar{*name, (*value)->get<std::string>()});
}

Result<ControlRequest> parse_getvar(const Json& object, const JsonPlace& place) {
  if (auto known = expect_known_keys(object, place, {"command", "name"}); !known) return fail(known.error());
  auto name_value = required_member(object, "name", place);
  if (!name_value) return fail(name_value.error());
  auto name = read_word(**name_value, place.member("name"), "a tunable's name");
  if (!name) return fail(name.error());
  return ControlRequest(GetVar{*name});
}

Result<ControlRequest> parse_history(const Json& object, const JsonPlace& place) {
  if (auto known = expect_known_keys(object, place, {"command", "count"}); !known) return fail(known.error());
  const Json* count = optional_member(object, "count");
  if (count == nullptr || count->is_null()) return ControlRequest(History{});
  auto number = read_u32(*count, place.member("count"), 1);
  if (!number) return fail(number.error());
  return ControlRequest(History{*number});
}

Result<ControlRequest> parse_gettickles(const Json& object, const JsonPlace& place) {
  if (auto known = expect_known_keys(object, place, {"command", "address"}); !known) return fail(known.error());
  auto value = required_member(object, "address", place);
  if (!value) return fail(value.error());
  auto text = read_string(**value, place.member("address"));
  if (!text) return fail(text.error());
  auto address = IpAddress::parse(*text);
  if (!address) {
    return fail(place.member("address").to_string(), "expected an IP address without prefix, got " + describe(**value));
  }
  return ControlRequest(GetTickles{*address});
}

Result<TcpEndpoint> read_endpoint(const Json& object, std::string_view key, const JsonPlace& place) {
  auto value = required_member(object, key, place);
  if (!value) return fail(value.error());
  auto text = read_string(**value, place.member(key));
  if (!text) return fail(text.error());
  auto endpoint = TcpEndpoint::parse(*text);
  if (!endpoint) return fail(place.member(key).to_string(), endpoint.error().message());
  return *endpoint;
}

Result<ControlRequest> parse_tickle_edit(const Json& object, const JsonPlace& place, bool is_add) {
  if (auto known = expect_known_keys(object, place, {"command", "source", "destination"}); !known) {
    return fail(known.error());
  }
  auto source = read_endpoint(object, "source", place);
  if (!source) return fail(source.error());
  auto destination = read_endpoint(object, "destination", place);
  if (!destination) return fail(destination.error());
  if (source->address.is_v4() != destination->address.is_v4()) {
    return fail(place.to_string(), "source and destination must both be IPv4 or both IPv6");
  }
  return ControlRequest(TickleEdit{is_add, TcpConnection{*destination, *source}});
}

// status, listvars, reload and statistics take nothing but their command.
template <typename Request>
Result<ControlRequest> parse_bare(const Json& object, const JsonPlace& place) {
  if (auto known = expect_known_keys(object, place, {"command"}); !known) return fail(known.error());
  return ControlRequest(Request{});
}

void add_admin_arguments(const Admin& admin, Json& out) {
  const proto::AdminArguments arguments = proto::arguments_of(admin.command);
  if (arguments.node && admin.names_node) out["node"] = arguments.node->value();
  if (arguments.seconds) out["seconds"] = *arguments.seconds;
  if (arguments.address) out["address"] = arguments.address->to_string();
  if (arguments.group) out["group"] = arguments.group->value();
  if (arguments.interface) out["interface"] = arguments.interface->value();
  if (arguments.link) out["link"] = *arguments.link == LinkState::kUp ? "up" : "down";
}

std::string dump_line(const Json& value) { return value.dump(-1, ' ', false, Json::error_handler_t::replace); }

}  // namespace

Admin admin_for(proto::AdminCommandKind kind, proto::AdminArguments arguments) {
  const bool names_node = arguments.node.has_value() || !proto::acts_on_node(kind);
  if (!arguments.node && proto::acts_on_node(kind)) arguments.node = NodeId(0);
  auto made = proto::make_admin_command(kind, arguments);
  TANDEM_CHECK(std::holds_alternative<proto::AdminCommand>(made));
  return Admin{std::get<proto::AdminCommand>(std::move(made)), names_node};
}

std::string_view command_word(const ControlRequest& request) {
  struct Word {
    std::string_view operator()(const Status&) const { return "status"; }
    std::string_view operator()(const Admin& admin) const { return proto::command_word(admin.command); }
    std::string_view operator()(const ListVars&) const { return "listvars"; }
    std::string_view operator()(const GetVar&) const { return "getvar"; }
    std::string_view operator()(const SetVar&) const { return "setvar"; }
    std::string_view operator()(const Reload&) const { return "reload"; }
    std::string_view operator()(const Statistics&) const { return "statistics"; }
    std::string_view operator()(const History&) const { return "history"; }
    std::string_view operator()(const GetTickles&) const { return "gettickles"; }
    std::string_view operator()(const TickleEdit& edit) const { return edit.is_add ? "addtickle" : "deltickle"; }
  };
  return std::visit(Word{}, request);
}

Json to_json(const ControlRequest& request) {
  Json out = Json::object();
  out["command"] = std::string(command_word(request));
  if (const auto* admin = std::get_if<Admin>(&request)) add_admin_arguments(*admin, out);
  if (const auto* get = std::get_if<GetVar>(&request)) out["name"] = get->name;
  if (const auto* set = std::get_if<SetVar>(&request)) {
    out["name"] = set->name;
    out["value"] = set->value;
  }
  if (const auto* history = std::get_if<History>(&request); history && history->count) out["count"] = *history->count;
  if (const auto* get = std::get_if<GetTickles>(&request)) out["address"] = get->address.to_string();
  if (const auto* edit = std::get_if<TickleEdit>(&request)) {
    out["source"] = edit->connection.client.to_string();
    out["destination"] = edit->connection.server.to_string();
  }
  return out;
}

std::string encode_request(const ControlRequest& request) { return dump_line(to_json(request)); }

Result<ControlRequest> parse_control_request(std::string_view line) {
  auto document = parse_json(line, kRoot);
  if (!document) return fail(document.error());
  const JsonPlace place(kRoot);
  if (auto is_object = expect_object(*document, place); !is_object) return fail(is_object.error());
  auto command_value = required_member(*document, "command", place);
  if (!command_value) return fail(command_value.error());
  auto word = read_string(**command_value, place.member("command"));
  if (!word) return fail(word.error());
  if (const auto kind = find_admin(*word)) return parse_admin(*document, place, *kind);
  if (*word == "status") return parse_bare<Status>(*document, place);
  if (*word == "listvars") return parse_bare<ListVars>(*document, place);
  if (*word == "reload") return parse_bare<Reload>(*document, place);
  if (*word == "statistics") return parse_bare<Statistics>(*document, place);
  if (*word == "history") return parse_history(*document, place);
  if (*word == "getvar") return parse_getvar(*document, place);
  if (*word == "setvar") return parse_setvar(*document, place);
  if (*word == "gettickles") return parse_gettickles(*document, place);
  if (*word == "addtickle" || *word == "deltickle") return parse_tickle_edit(*document, place, *word == "addtickle");
  return fail(place.member("command").to_string(),
              "unknown command " + describe(**command_value) + " (known: " + known_commands() + ")");
}

namespace {

// What the wire decoder refuses in a name (proto/fields.cc): a blank or control byte.
bool has_blank_or_control(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f;
  });
}

}  // namespace

bool is_interface_name(std::string_view text) {
  return !text.empty() && text.size() <= proto::kInterfaceNameMax && !has_blank_or_control(text) &&
         text.find_first_of("/:,") == std::string_view::npos;
}

bool is_group_name(std::string_view text) {
  return !text.empty() && text.size() <= proto::kGroupNameMax && !has_blank_or_control(text);
}

std::string group_name_rule() {
  return "1 to " + std::to_string(proto::kGroupNameMax) + " bytes, no blank or control character";
}

std::string_view code_word(ReplyCode code) {
  switch (code) {
    case ReplyCode::kBadRequest:
      return "bad_request";
    case ReplyCode::kRefused:
      return "refused";
    case ReplyCode::kTimeout:
      return "timeout";
    case ReplyCode::kForbidden:
      return "forbidden";
    case ReplyCode::kInternal:
      return "internal";
  }
  return "internal";
}

std::optional<ReplyCode> parse_code_word(std::string_view word) {
  for (ReplyCode code : {ReplyCode::kBadRequest, ReplyCode::kRefused, ReplyCode::kTimeout, ReplyCode::kForbidden,
                         ReplyCode::kInternal}) {
    if (code_word(code) == word) return code;
  }
  return std::nullopt;
}

std::string reply_ok(const Json& result) { return R"({"ok":true,"result":)" + dump_line(result) + "}"; }

std::string reply_error(ReplyCode code, std::string_view message) {
  return R"({"ok":false,"code":")" + std::string(code_word(code)) + R"(","error":)" +
         dump_line(Json(std::string(message))) + "}";
}

Json message_result(std::string_view message) { return Json{{"message", std::string(message)}}; }

}  // namespace tandem::ctl
