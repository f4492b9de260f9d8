#include "ctl/control_request.h"

#include <gtest/gtest.h>

#include <vector>

namespace tandem::ctl {
namespace {

// A command that acts on the node receiving it: the request names no node.
template <typename Command>
Admin on_this_node() {
  return Admin{Command{NodeId(0)}, false};
}

std::string parse_error(std::string_view line) {
  auto parsed = parse_control_request(line);
  if (parsed) return "parsed";
  return parsed.error().message();
}

// Every request, as the tool encodes it; parsing the line gives the request back.
TEST(ControlRequest, EncodesEveryRequestAsOneLineThatParsesBack) {
  const Admin ban{proto::Ban{NodeId(2), 60}};
  const Admin moveip{proto::MoveIp{IpAddress::parse("2001:db8::10").value(), NodeId(1)}};
  const Admin movegroup{proto::MoveGroup{GroupName("target1"), NodeId(0)}};
  const Admin link{proto::SetInterfaceLink{NodeId(0), InterfaceName("eth2"), LinkState::kDown}, false};
  const std::vector<std::pair<ControlRequest, std::string>> cases = {
      {Status{}, R"({"command":"status"})"},
      {Admin{proto::Disable{NodeId(3)}}, R"({"command":"disable","node":3})"},
      {on_this_node<proto::Enable>(), R"({"command":"enable"})"},
      {on_this_node<proto::Stop>(), R"({"command":"stop"})"},
      {on_this_node<proto::Continue>(), R"({"command":"continue"})"},
      {on_this_node<proto::Unban>(), R"({"command":"unban"})"},
      {ban, R"({"command":"ban","node":2,"seconds":60})"},
      {moveip, R"({"address":"2001:db8::10","command":"moveip","node":1})"},
      {movegroup, R"({"command":"movegroup","group":"target1","node":0})"},
      {link, R"({"command":"setifacelink","interface":"eth2","link":"down"})"},
      {Admin{proto::ReloadIps{}}, R"({"command":"reloadips"})"},
      {Admin{proto::ReloadIps{NodeId(2)}}, R"({"command":"reloadips","node":2})"},
      {Admin{proto::IpReallocate{}}, R"({"command":"ipreallocate"})"},
      {ListVars{}, R"({"command":"listvars"})"},
      {GetVar{"noipfailback"}, R"({"command":"getvar","name":"noipfailback"})"},
      {SetVar{"IPAllocAlgorithm", "lcp2"}, R"({"command":"setvar","name":"IPAllocAlgorithm","value":"lcp2"})"},
      {Reload{}, R"({"command":"reload"})"},
      {Statistics{}, R"({"command":"statistics"})"},
      {History{}, R"({"command":"history"})"},
      {History{5}, R"({"command":"history","count":5})"},
      {GetTickles{IpAddress::parse("203.0.113.10").value()}, R"({"address":"203.0.113.10","command":"gettickles"})"},
      {TickleEdit{true, TcpConnection::parse("203.0.113.10:3260 198.51.100.7:51234").value()},
       R"({"command":"addtickle","destination":"203.0.113.10:3260","source":"198.51.100.7:51234"})"},
      {TickleEdit{false, TcpConnection::parse("[2001:db8::10]:3260 [2001:db8::7]:51234").value()},
       R"({"command":"deltickle","destination":"[2001:db8::10]:3260","source":"[2001:db8::7]:51234"})"},
  };
  for (const auto& [request, line] : cases) {
    EXPECT_EQ(encode_request(request), line);
    auto parsed = parse_control_request(line);
    ASSERT_TRUE(parsed.ok()) << line << ": " << parsed.error();
    EXPECT_EQ(*parsed, request) << line;
  }
}

TEST(ControlRequest, NamesTheKeyOfAMalformedTickleEndpoint) {
  const std::string error =
      parse_error(R"({"command": "deltickle", "source": "198.51.100.7", "destination": "203.0.113.10:3260"})");
  EXPECT_TRUE(error.starts_with("request.source: ")) << error;
}

TEST(ControlRequest, TakesANumberAsSetvarsValue) {
  auto parsed = parse_control_request(R"({"command": "setvar", "name": "NoIPFailback", "value": 1})");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(*parsed, ControlRequest(SetVar{"NoIPFailback", "1"}));
}

TEST(ControlRequest, TakesNullForAnOptionalArgument) {
  auto parsed = parse_control_request(R"({"command": "disable", "node": null})");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(*parsed, ControlRequest(on_this_node<proto::Disable>()));
}

TEST(ControlRequest, NamesThePlaceOfEveryError) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"",
       "request: not valid JSON: line 1, column 1: syntax error while parsing value - unexpected end of input; "
       "expected '[', '{', or a literal"},
      {"[]", "request: expected an object, got an array"},
      {R"({"node": 1})", "request: missing \"command\""},
      {R"({"command": 7})", "request.command: expected a string, got 7"},
      {R"({"command": "disable", "node": "two"})", "request.node: expected a whole number of 0 or more, got \"two\""},
      {R"({"command": "disable", "node": -1})", "request.node: expected a whole number of 0 or more, got -1"},
      {R"({"command": "disable", "node": 4294967296})",
       "request.node: expected a whole number from 0 to 4294967295, got 4294967296"},
      {R"({"command": "disable", "nodes": 1})", "request.nodes: unknown key (known here: command, node)"},
      {R"({"command": "status", "node": 1})", "request.node: unknown key (known here: command)"},
      {R"({"command": "ban", "node": 1})", "request: missing \"seconds\""},
      {R"({"command": "ban", "seconds": 0})", "request.seconds: expected a whole number from 1 to 4294967295, got 0"},
      {R"({"command": "moveip", "address": "203.0.113.10/24", "node": 1})",
       "request.address: expected an IP address without prefix, got \"203.0.113.10/24\""},
      {R"({"command": "moveip", "address": "203.0.113.10"})", "request: missing \"node\""},
      {R"({"command": "movegroup", "group": "", "node": 1})",
       "request.group: expected a group name (1 to 64 bytes, no blank or control character), got \"\""},
      {R"({"command": "setifacelink", "interface": "eth1", "link": "sideways"})",
       "request.link: expected \"up\" or \"down\", got \"sideways\""},
      {R"({"command": "setifacelink", "interface": "eth1,eth2", "link": "up"})",
       "request.interface: expected an interface name, got \"eth1,eth2\""},
      {R"({"command": "getvar"})", "request: missing \"name\""},
      {R"({"command": "setvar", "name": "NoIPFailback", "value": true})",
       "request.value: expected a number or a string, got true"},
      {R"({"command": "status", "command": "reload"})", "request.command: the key appears twice in one object"},
      {R"({"command": "gettickles", "address": "203.0.113.10:3260"})",
       "request.address: expected an IP address without prefix, got \"203.0.113.10:3260\""},
      {R"({"command": "addtickle", "source": "198.51.100.7:51234"})", "request: missing \"destination\""},
      {R"({"command": "addtickle", "source": "198.51.100.7:1", "destination": "[2001:db8::10]:3260"})",
       "request: source and destination must both be IPv4 or both IPv6"},
  };
  for (const auto& [line, error] : cases) EXPECT_EQ(parse_error(line), error) << line;
}

// A name the wire encoder would refuse (proto/payload.cc checks it as an invariant) must be
// refused here, where the user typed it: a 65-byte group name once aborted a follower.
TEST(ControlRequest, RefusesNamesTheWireCannotCarry) {
  const std::string long_name(65, 'g');
  EXPECT_EQ(parse_error(R"({"command": "movegroup", "group": ")" + long_name + R"(", "node": 1})"),
            "request.group: expected a group name (1 to 64 bytes, no blank or control character), got \"" +
                long_name.substr(0, 59) + "...");
  EXPECT_EQ(parse_error(R"({"command": "movegroup", "group": "a\u0001b", "node": 1})"),
            "request.group: expected a group name (1 to 64 bytes, no blank or control character), got "
            "\"a\\u0001b\"");
  EXPECT_EQ(parse_error(R"({"command": "setifacelink", "interface": "eth\u001b1", "link": "up"})"),
            "request.interface: expected an interface name, got \"eth\\u001b1\"");
  EXPECT_EQ(parse_error(R"({"command": "movegroup", "group": ")" + std::string(64, 'g') + R"(", "node": 1})"),
            "parsed");
}

TEST(ControlRequest, RefusesBytesAfterTheRequestEvenAfterANul) {
  EXPECT_EQ(parse_error(std::string(R"({"command":"status"})") + '\0' + "garbage"),
            "request: not valid JSON: a NUL byte at offset 20 (trailing bytes after the document are refused)");
  EXPECT_EQ(parse_error(R"({"command":"status"} garbage)").substr(0, 47),
            "request: not valid JSON: line 1, column 22: syn");
}

TEST(ControlRequest, RefusesANodeForIpreallocateWhichActsOnTheWholeCluster) {
  EXPECT_EQ(parse_error(R"({"command": "ipreallocate", "node": 1})"),
            "request.node: unknown key (known here: command)");
}

TEST(ControlRequest, RefusesAHistoryCountOfZero) {
  EXPECT_EQ(parse_error(R"({"command": "history", "count": 0})"),
            "request.count: expected a whole number from 1 to 4294967295, got 0");
}

TEST(ControlRequest, ListsTheKnownCommandsForAnUnknownOne) {
  EXPECT_EQ(parse_error(R"({"command": "recmaster"})"),
            "request.command: unknown command \"recmaster\" (known: status, disable, enable, stop, continue, unban, "
            "ban, moveip, movegroup, setifacelink, reloadips, ipreallocate, listvars, getvar, setvar, reload, "
            "statistics, history, gettickles, addtickle, deltickle)");
}

TEST(ControlReply, WritesOneLineForSuccessAndForEachErrorCode) {
  EXPECT_EQ(reply_ok(message_result("node 2 disabled")), R"({"ok":true,"result":{"message":"node 2 disabled"}})");
  EXPECT_EQ(reply_error(ReplyCode::kRefused, "node 7 is not configured"),
            R"({"ok":false,"code":"refused","error":"node 7 is not configured"})");
  EXPECT_EQ(reply_error(ReplyCode::kBadRequest, "a \"quoted\"\nline"),
            R"({"ok":false,"code":"bad_request","error":"a \"quoted\"\nline"})");
  for (auto code : {ReplyCode::kBadRequest, ReplyCode::kRefused, ReplyCode::kTimeout, ReplyCode::kForbidden,
                    ReplyCode::kInternal}) {
    EXPECT_EQ(parse_code_word(code_word(code)), code);
  }
  EXPECT_EQ(parse_code_word("teapot"), std::nullopt);
}

TEST(ControlReply, ReplacesInvalidUtf8RatherThanThrowing) {
  EXPECT_EQ(reply_error(ReplyCode::kRefused, "bad \xff byte"),
            "{\"ok\":false,\"code\":\"refused\",\"error\":\"bad \xef\xbf\xbd byte\"}");
}

}  // namespace
}  // namespace tandem::ctl
