// The tool's control verbs end to end, with a fake exchange in place of the socket.
#include "ctl/control_command.h"

#include <gtest/gtest.h>

#include <vector>

#include "ctl/test_status.h"

namespace tandem::ctl {
namespace {

using nlohmann::json;

CliCall call(std::string verb, std::vector<std::string> arguments = {}, std::optional<std::string> node = {}) {
  return CliCall{std::move(verb), std::move(arguments), std::move(node), false, false};
}

// An exchange that records the request line and answers `reply`.
struct FakeDaemon {
  std::string reply;
  std::optional<NoAnswer> failure;
  std::vector<std::string> requests;

  Exchange exchange() {
    return [this](const std::string& line) {
      requests.push_back(line);
      return SocketAnswer{failure, reply, Error{"/run/tandem/tandemd.sock", "no such socket: is tandemd running?"}};
    };
  }
};

std::string status_reply(json result = testing::sample_status_json()) { return reply_ok(result); }

std::string usage_error(const CliCall& cli) {
  auto request = request_for(cli);
  return request ? "accepted" : request.error().message();
}

TEST(RequestFor, BuildsTheRequestOfEveryVerb) {
  const proto::AdminCommand ban = proto::Ban{NodeId(1), 60};
  const proto::AdminCommand moveip = proto::MoveIp{IpAddress::parse("203.0.113.10").value(), NodeId(2)};
  const proto::AdminCommand movegroup = proto::MoveGroup{GroupName("g1"), NodeId(0)};
  const proto::AdminCommand link = proto::SetInterfaceLink{NodeId(3), InterfaceName("eth2"), LinkState::kDown};
  const std::vector<std::pair<CliCall, ControlRequest>> cases = {
      {call("status"), Status{}},
      {call("ip", {}, "all"), Status{}},
      {call("ipinfo", {"203.0.113.10"}), Status{}},
      {call("ifaces", {}, "2"), Status{}},
      {call("groups"), Status{}},
      {call("listnodes"), Status{}},
      {call("leader"), Status{}},
      {call("disable"), Admin{proto::Disable{NodeId(0)}, false}},
      {call("enable", {}, "2"), Admin{proto::Enable{NodeId(2)}}},
      {call("ban", {"60"}, "1"), Admin{ban}},
      {call("moveip", {"203.0.113.10", "2"}), Admin{moveip}},
      {call("movegroup", {"g1", "0"}), Admin{movegroup}},
      {call("setifacelink", {"eth2", "down"}, "3"), Admin{link}},
      {call("reloadips"), Admin{proto::ReloadIps{}}},
      {call("reloadips", {}, "1"), Admin{proto::ReloadIps{NodeId(1)}}},
      {call("ipreallocate"), Admin{proto::IpReallocate{}}},
      {call("listvars"), ListVars{}},
      {call("getvar", {"NoIPFailback"}), GetVar{"NoIPFailback"}},
      {call("setvar", {"NoIPFailback", "1"}), SetVar{"NoIPFailback", "1"}},
      {call("reload"), Reload{}},
      {call("gettickles", {"203.0.113.10"}), GetTickles{IpAddress::parse("203.0.113.10").value()}},
      {call("addtickle", {"198.51.100.7:51234", "203.0.113.10:3260"}),
       TickleEdit{true, TcpConnection::parse("203.0.113.10:3260 198.51.100.7:51234").value()}},
      {call("deltickle", {"[2001:db8::7]:51234", "[2001:db8::10]:3260"}),
       TickleEdit{false, TcpConnection::parse("[2001:db8::10]:3260 [2001:db8::7]:51234").value()}},
  };
  for (const auto& [cli, expected] : cases) {
    auto request = request_for(cli);
    ASSERT_TRUE(request.ok()) << cli.verb << ": " << request.error();
    EXPECT_EQ(*request, expected) << cli.verb;
  }
}

TEST(RequestFor, RefusesAMalformedTickleEndpointNamingTheArgument) {
  const std::vector<std::pair<CliCall, std::string>> cases = {
      {call("addtickle", {"198.51.100.7", "203.0.113.10:3260"}), "SRC:PORT: expected ADDRESS:PORT"},
      {call("addtickle", {"198.51.100.7:51234", "203.0.113.10:0"}), "DST:PORT: expected ADDRESS:PORT"},
      {call("deltickle", {"198.51.100.7:51234", "2001:db8::10:3260"}), "DST:PORT: expected ADDRESS:PORT"},
      {call("addtickle", {"198.51.100.7:51234", "[2001:db8::10]:3260"}),
       "SRC:PORT and DST:PORT must both be IPv4 or both IPv6"},
      {call("gettickles", {"203.0.113.10:3260"}), "IP: expected an IP address without prefix"},
      {call("addtickle", {"198.51.100.7:51234"}), "expected 2 arguments: SRC:PORT DST:PORT"},
  };
  for (const auto& [cli, error] : cases) EXPECT_TRUE(usage_error(cli).starts_with(error)) << usage_error(cli);
}

TEST(RunControl, PrintsATickleListAsCtdbDoes) {
  FakeDaemon daemon{reply_ok(json{{"address", "203.0.113.10"},
                                  {"recorded_by", 1},
                                  {"connections",
                                   {{{"source", "198.51.100.7:51234"}, {"destination", "203.0.113.10:3260"}},
                                    {{"source", "198.51.100.8:40000"}, {"destination", "203.0.113.10:3260"}}}}}),
                    {},
                    {}};
  const auto output = run_control(call("gettickles", {"203.0.113.10"}), daemon.exchange());
  EXPECT_EQ(output.exit_code, 0);
  EXPECT_EQ(output.out,
            "Connections for IP 203.0.113.10: 2 (recorded by node 1)\n"
            "SRC: 198.51.100.7:51234 DST: 203.0.113.10:3260\n"
            "SRC: 198.51.100.8:40000 DST: 203.0.113.10:3260\n");
  EXPECT_EQ(daemon.requests, std::vector<std::string>{R"({"address":"203.0.113.10","command":"gettickles"})"});
}

TEST(RunControl, PrintsAnEmptyTickleListWithoutARecorder) {
  FakeDaemon daemon{
      reply_ok(json{{"address", "203.0.113.10"}, {"recorded_by", nullptr}, {"connections", json::array()}}), {}, {}};
  const auto output = run_control(call("gettickles", {"203.0.113.10"}), daemon.exchange());
  EXPECT_EQ(output.out, "Connections for IP 203.0.113.10: 0\n");
}

TEST(RunControl, CallsATickleListWithoutConnectionsAMalformedReply) {
  FakeDaemon daemon{reply_ok(json{{"address", "203.0.113.10"}, {"recorded_by", 1}}), {}, {}};
  const auto output = run_control(call("gettickles", {"203.0.113.10"}), daemon.exchange());
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_EQ(output.err, "tandem: gettickles: malformed reply from tandemd: result: missing \"connections\"\n");
}

TEST(RunControl, PrintsTheDaemonsRefusalOfAnAddtickle) {
  FakeDaemon daemon{reply_error(ReplyCode::kRefused, "203.0.113.10 is not a public IP node 0 holds"), {}, {}};
  const auto output = run_control(call("addtickle", {"198.51.100.7:51234", "203.0.113.10:3260"}), daemon.exchange());
  EXPECT_EQ(output.exit_code, 1);
  EXPECT_EQ(output.err, "tandem: addtickle: 203.0.113.10 is not a public IP node 0 holds\n");
}

TEST(RequestFor, ExplainsEveryUsageError) {
  CliCall verbose_status = call("status");
  verbose_status.is_verbose = true;
  const std::vector<std::pair<CliCall, std::string>> cases = {
      {call("ban", {"soon"}), "SECONDS: expected a number of seconds from 1 to 4294967295, got 'soon'"},
      {call("ban", {"0"}), "SECONDS: expected a number of seconds from 1 to 4294967295, got '0'"},
      {call("moveip", {"203.0.113.10/24", "1"}), "IP: expected an IP address without prefix, got '203.0.113.10/24'"},
      {call("moveip", {"203.0.113.10", "one"}), "PNN: expected a PNN (a node's number), got 'one'"},
      {call("ipinfo", {"x"}), "IP: expected an IP address without prefix, got 'x'"},
      {call("disable", {}, "-1"), "-n: expected a PNN (a node's number), got '-1'"},
      {call("ifaces", {}, "all"), "-n: expected a PNN (a node's number), got 'all'"},
      {call("setifacelink", {"eth1", "sideways"}), "LINK: expected 'up' or 'down', got 'sideways'"},
      {call("setifacelink", {"eth1/2", "up"}), "IFACE: expected an interface name, got \"eth1/2\""},
      {call("moveip", {"203.0.113.10"}), "expected 2 arguments: IP PNN"},
      {call("movegroup", {std::string(65, 'g'), "1"}),
       "NAME: expected a group's name (1 to 64 bytes, no blank or control character), got \"" + std::string(59, 'g') +
           "..."},
      {call("movegroup", {"a\tb", "1"}),
       "NAME: expected a group's name (1 to 64 bytes, no blank or control character), got \"a\\tb\""},
      {call("listnodes", {}, "1"), "-n is not an option of listnodes"},
      {verbose_status, "-v is not an option of status"},
      {call("recmaster"), "unknown command"},
  };
  for (const auto& [cli, error] : cases) EXPECT_EQ(usage_error(cli), error) << cli.verb;
}

TEST(RunControl, ReportsAUsageErrorWithoutAskingTheDaemon) {
  FakeDaemon daemon;
  EXPECT_EQ(run_control(call("ban", {"soon"}), daemon.exchange()),
            (CommandOutput{kExitBadInput, "",
                           "tandem: ban: SECONDS: expected a number of seconds from 1 to 4294967295, got 'soon'\n"}));
  EXPECT_TRUE(daemon.requests.empty());
}

TEST(RunControl, SendsTheRequestLineAndPrintsTheView) {
  FakeDaemon daemon{status_reply(), {}, {}};
  const CommandOutput output = run_control(call("leader"), daemon.exchange());
  EXPECT_EQ(output, (CommandOutput{kExitOk, "1\n", ""}));
  EXPECT_EQ(daemon.requests, std::vector<std::string>{R"({"command":"status"})"});
}

TEST(RunControl, MapsNoAnswerToExitCodes) {
  FakeDaemon daemon;
  daemon.failure = NoAnswer::kNoDaemon;
  EXPECT_EQ(run_control(call("status"), daemon.exchange()),
            (CommandOutput{kExitNoDaemon, "",
                           "tandem: status: /run/tandem/tandemd.sock: no such socket: is tandemd running?\n"}));
  daemon.failure = NoAnswer::kTimeout;
  EXPECT_EQ(run_control(call("status"), daemon.exchange()).exit_code, kExitTimeout);
  daemon.failure = NoAnswer::kFailed;
  EXPECT_EQ(run_control(call("status"), daemon.exchange()).exit_code, kExitFailed);
}

TEST(RenderReply, MapsEveryErrorCodeToItsExitCode) {
  const std::vector<std::pair<std::string, int>> cases = {
      {reply_error(ReplyCode::kRefused, "node 7 is not configured"), kExitFailed},
      {reply_error(ReplyCode::kBadRequest, "request.node: bad"), kExitBadInput},
      {reply_error(ReplyCode::kForbidden, "only root may use the control socket"), kExitNoDaemon},
      {reply_error(ReplyCode::kTimeout, "no answer within 10 s"), kExitTimeout},
      {reply_error(ReplyCode::kInternal, "dropped"), kExitFailed},
      {R"({"ok":false,"code":"teapot","error":"short and stout"})", kExitFailed},
  };
  for (const auto& [reply, exit_code] : cases)
    EXPECT_EQ(render_reply(call("disable"), reply).exit_code, exit_code) << reply;
  EXPECT_EQ(render_reply(call("disable", {}, "7"), cases[0].first),
            (CommandOutput{kExitFailed, "", "tandem: disable: node 7 is not configured\n"}));
}

TEST(RenderReply, ReportsAMalformedReply) {
  EXPECT_EQ(
      render_reply(call("status"), "{"),
      (CommandOutput{kExitFailed, "",
                     "tandem: status: malformed reply from tandemd: reply: not valid JSON: line 1, column 2: "
                     "syntax error while parsing object key - unexpected end of input; expected string literal\n"}));
  EXPECT_EQ(render_reply(call("status"), R"({"ok":true})").err,
            "tandem: status: malformed reply from tandemd: reply: missing \"result\"\n");
  EXPECT_EQ(render_reply(call("status"), R"({"ok":true,"result":{}})").err,
            "tandem: status: malformed reply from tandemd: result: missing \"this_node\"\n");
  EXPECT_EQ(render_reply(call("disable"), R"({"ok":"yes"})").exit_code, kExitFailed);
}

TEST(RenderReply, PrintsAnAdminMessageAndNothingForSetvar) {
  EXPECT_EQ(render_reply(call("disable"), reply_ok(message_result("node 0 disabled"))),
            (CommandOutput{kExitOk, "node 0 disabled\n", ""}));
  EXPECT_EQ(render_reply(call("ipreallocate"), reply_ok(message_result(""))), (CommandOutput{kExitOk, "", ""}));
  EXPECT_EQ(render_reply(call("setvar", {"NoIPFailback", "1"}), reply_ok({{"name", "NoIPFailback"}, {"value", 1}})),
            (CommandOutput{kExitOk, "", ""}));
  EXPECT_EQ(render_reply(call("getvar", {"noipfailback"}), reply_ok({{"name", "NoIPFailback"}, {"value", 1}})),
            (CommandOutput{kExitOk, "NoIPFailback               = 1\n", ""}));
}

TEST(RenderReply, PrintsTheVerbsPartOfTheResultForJson) {
  CliCall ifaces = call("ifaces", {}, "1");
  ifaces.wants_json = true;
  const CommandOutput output = render_reply(ifaces, status_reply());
  EXPECT_EQ(output.exit_code, kExitOk);
  EXPECT_EQ(json::parse(output.out),
            json::parse(R"({"node": 1, "interfaces": [{"name": "eth1", "link": "up", "addresses": 1},
                                                       {"name": "eth2", "link": "down", "addresses": 0,
                                                        "reason": "no reply from 192.0.2.1, 192.0.2.2 for 3 probes"}]})"));
  CliCall disable = call("disable");
  disable.wants_json = true;
  EXPECT_EQ(render_reply(disable, reply_ok(message_result("done"))).out, "{\n  \"message\": \"done\"\n}\n");
}

TEST(RenderReply, WarnsWhenNoLeaderAnswered) {
  json result = testing::sample_status_json();
  result["from_leader"] = false;
  const CommandOutput output = render_reply(call("ip"), status_reply(result));
  EXPECT_EQ(output.exit_code, kExitOk);
  EXPECT_EQ(output.err, "tandem: ip: no leader answered: only this node's own state is certain\n");
  EXPECT_EQ(render_reply(call("listnodes"), status_reply(result)).err, "");
}

TEST(RenderReply, FailsAViewOfSomethingThatIsNotThere) {
  EXPECT_EQ(render_reply(call("ip", {}, "9"), status_reply()),
            (CommandOutput{kExitFailed, "", "tandem: ip: node 9 is not configured\n"}));
  json result = testing::sample_status_json();
  result["leader"] = nullptr;
  EXPECT_EQ(render_reply(call("leader"), status_reply(result)),
            (CommandOutput{kExitFailed, "", "tandem: leader: there is no leader\n"}));
}

TEST(RenderReply, PrintsAJsonErrorObjectWhenAJsonVerbFails) {
  json result = testing::sample_status_json();
  result["leader"] = nullptr;
  CliCall leader = call("leader");
  leader.wants_json = true;
  const CommandOutput output = render_reply(leader, status_reply(result));
  EXPECT_EQ(output.exit_code, kExitFailed);
  EXPECT_EQ(
      json::parse(output.out),
      json::parse(R"({"ok": false, "exit_code": 1, "meaning": "refused or failed", "error": "there is no leader"})"));
  EXPECT_EQ(output.err, "tandem: leader: there is no leader\n");
}

TEST(RunControl, PrintsAJsonErrorObjectWhenNoDaemonAnswers) {
  CliCall status = call("status");
  status.wants_json = true;
  const CommandOutput output = run_control(status, [](const std::string&) {
    return SocketAnswer{NoAnswer::kNoDaemon, "", Error{"/run/tandemd.sock", "no daemon"}};
  });
  EXPECT_EQ(output.exit_code, kExitNoDaemon);
  EXPECT_EQ(json::parse(output.out)["meaning"], "no daemon");
}

TEST(RenderReply, ShowsIpinfoOnThisNodeByDefault) {
  json result = testing::sample_status_json();
  const CommandOutput output = render_reply(call("ipinfo", {"203.0.113.10"}), status_reply(result));
  EXPECT_EQ(output.exit_code, kExitOk) << output.err;
  EXPECT_TRUE(output.out.starts_with("Public IP[203.0.113.10] info on node 0\n")) << output.out;
}

TEST(ControlVerbs, EveryVerbBuildsARequestFromPlaceholderArguments) {
  for (const VerbSpec& spec : control_verbs()) {
    std::vector<std::string> arguments;
    for (auto name : spec.argument_names()) {
      arguments.emplace_back(name == "IP"                        ? "203.0.113.10"
                             : name == "LINK"                    ? "up"
                             : name == "IFACE"                   ? "eth1"
                             : name == "NAME" || name == "VALUE" ? "x"
                             : name == "SRC:PORT"                ? "198.51.100.7:51234"
                             : name == "DST:PORT"                ? "203.0.113.10:3260"
                                                                 : "1");
    }
    auto request = request_for(call(std::string(spec.name), arguments));
    EXPECT_TRUE(request.ok()) << spec.name << ": " << request.error();
    EXPECT_EQ(find_verb(spec.name), &spec);
  }
}

}  // namespace
}  // namespace tandem::ctl
