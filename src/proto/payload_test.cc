#include "proto/payload.h"

#include <gtest/gtest.h>

#include "proto/field_writer.h"
#include "proto/limits.h"
#include "proto/test_messages.h"

namespace tandem::proto {
namespace {

using testing::prefix;
using testing::v4;

Message round_trip(const Message& message) {
  Writer out;
  encode_payload(message, out);
  auto decoded = decode_payload(static_cast<std::uint16_t>(message_type(message)), out.data());
  EXPECT_TRUE(decoded.ok()) << decoded.error();
  return decoded.ok() ? *decoded : Message{};
}

std::string decode_error(MessageType type, const Writer& out) {
  auto decoded = decode_payload(static_cast<std::uint16_t>(type), out.data());
  return decoded.ok() ? "ok" : decoded.error().message();
}

TEST(Payload, RoundTripsEveryMessageOfTheCatalogue) {
  for (const auto& message : testing::sample_messages()) {
    EXPECT_EQ(round_trip(message), message) << message_name(message_type(message));
  }
}

TEST(Payload, RoundTripsMessagesWithEmptyListsAndDefaults) {
  for (const Message& message :
       std::vector<Message>{Heartbeat{}, StateReport{}, TakeoverOrder{}, TakeoverAck{}, AdminRequest{}, AdminReply{},
                            VoteRequest{}, Vote{}, StatusRequest{}, StatusReply{}, TickleList{}}) {
    EXPECT_EQ(round_trip(message), message) << message_name(message_type(message));
  }
}

TEST(Payload, RoundTripsIpv6AddressesInEveryPlaceTheyAppear) {
  const auto address = IpAddress::parse("fe80::1:2:3:4").value();
  TakeoverOrder order{1, 2, TakeoverKind::kRelease, {{IpPrefix{address, 128}, InterfaceName("bond0"), std::nullopt}}};
  TakeoverAck ack{1, 2, TakeoverKind::kRelease, false, {{address, FailureCause::kHookFailed, "busy"}}};
  StateReport report;
  report.held = {{IpPrefix{address, 0}, InterfaceName("bond0")}};
  AdminRequest request{9, MoveIp{address, NodeId(0)}};
  for (const Message& message : std::vector<Message>{order, ack, report, request}) {
    EXPECT_EQ(round_trip(message), message) << message_name(message_type(message));
  }
}

TEST(Payload, RoundTripsEveryFailureCause) {
  for (std::uint8_t value = 0; value <= 5; ++value) {
    const Message ack =
        TakeoverAck{1, 2, TakeoverKind::kTake, false, {{v4("10.0.0.1"), static_cast<FailureCause>(value), "why"}}};
    EXPECT_EQ(round_trip(ack), ack) << int{value};
  }
}

// An acknowledgement with one failure, its cause field written only when given: without
// it, what a 1.3 peer sends.
Writer ack_with_failure(std::string_view reason, std::optional<std::uint8_t> cause = std::nullopt) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 4);
  fields.u64(2, 9);
  fields.u8(3, static_cast<std::uint8_t>(TakeoverKind::kTake));
  fields.boolean(4, false);
  const auto mark = fields.begin_nested(5);
  fields.address(1, v4("10.0.0.1"));
  fields.text(2, reason);
  if (cause) fields.u8(3, *cause);
  fields.end_nested(mark);
  return out;
}

FailureCause decoded_cause(const Writer& out) {
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kTakeoverAck), out.data());
  EXPECT_TRUE(decoded.ok()) << decoded.error();
  if (!decoded.ok()) return FailureCause::kUnknown;
  const auto& ack = std::get<TakeoverAck>(*decoded);
  EXPECT_EQ(ack.failures.size(), 1u);
  return ack.failures.empty() ? FailureCause::kUnknown : ack.failures[0].cause;
}

TEST(Payload, AcceptsA13AcknowledgementAndTakesTheCauseFromItsFixedTexts) {
  EXPECT_EQ(decoded_cause(ack_with_failure("this node is shutting down")), FailureCause::kShuttingDown);
  EXPECT_EQ(decoded_cause(ack_with_failure("this node has no lease to serve")), FailureCause::kNoLease);
  EXPECT_EQ(decoded_cause(ack_with_failure("a hook failed")), FailureCause::kUnknown);
}

TEST(Payload, ACauseOfANewerMinorVersionIsReadAsUnknown) {
  EXPECT_EQ(decoded_cause(ack_with_failure("this node is shutting down", 200)), FailureCause::kUnknown);
}

// Every admin command, and its AdminRequest's fields as the encoding of the untyped
// command (one struct of optional arguments, before 1.4) wrote them: "tag:value" in hex,
// in order. Typed commands changed no byte on the wire.
struct AdminBytes {
  AdminCommand command;
  std::string fields;
};

std::vector<AdminBytes> admin_bytes_of_the_untyped_encoding() {
  const std::string head = "1:0000000000000011 ";  // request_id 17
  return {
      {Disable{NodeId(1)}, head + "2:01 3:00000001"},
      {Enable{NodeId(2)}, head + "2:02 3:00000002"},
      {Ban{NodeId(3), 300}, head + "2:03 3:00000003 8:0000012c"},
      {Unban{NodeId(3)}, head + "2:04 3:00000003"},
      {Stop{NodeId(0)}, head + "2:05 3:00000000"},
      {Continue{NodeId(0)}, head + "2:06 3:00000000"},
      {MoveIp{v4("198.51.100.10"), NodeId(2)}, head + "2:07 3:00000002 4:04c633640a"},
      {MoveIp{IpAddress::parse("2001:db8::10").value(), NodeId(2)},
       head + "2:07 3:00000002 4:0620010db8000000000000000000000010"},
      {MoveGroup{GroupName("target1"), NodeId(4)}, head + "2:08 3:00000004 5:74617267657431"},
      {ReloadIps{}, head + "2:09"},
      {ReloadIps{NodeId(1)}, head + "2:09 3:00000001"},
      {SetInterfaceLink{NodeId(1), InterfaceName("eth2"), LinkState::kDown}, head + "2:0a 3:00000001 6:65746832 7:00"},
      {IpReallocate{}, head + "2:0b"},
  };
}

// "tag:value ..." as bytes: each field a u16 tag, a u32 length and the value, big-endian.
std::vector<std::uint8_t> field_bytes(const std::string& fields) {
  std::vector<std::uint8_t> out;
  std::size_t at = 0;
  while (at < fields.size()) {
    const std::size_t colon = fields.find(':', at);
    const std::size_t end = std::min(fields.find(' ', colon), fields.size());
    const auto tag = static_cast<std::uint16_t>(std::stoul(fields.substr(at, colon - at)));
    const std::string value = fields.substr(colon + 1, end - colon - 1);
    const auto length = static_cast<std::uint32_t>(value.size() / 2);
    for (int shift : {8, 0}) out.push_back(static_cast<std::uint8_t>(tag >> shift));
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(length >> shift));
    for (std::size_t i = 0; i < value.size(); i += 2) {
      out.push_back(static_cast<std::uint8_t>(std::stoul(value.substr(i, 2), nullptr, 16)));
    }
    at = end + 1;
  }
  return out;
}

TEST(Payload, EncodesEveryAdminCommandAsTheUntypedEncodingDid) {
  for (const auto& [command, fields] : admin_bytes_of_the_untyped_encoding()) {
    Writer out;
    encode_payload(AdminRequest{17, command}, out);
    EXPECT_EQ(out.data(), field_bytes(fields)) << command_word(command);
  }
}

TEST(Payload, DecodesTheUntypedEncodingOfEveryAdminCommandToTheTypedCommand) {
  for (const auto& [command, fields] : admin_bytes_of_the_untyped_encoding()) {
    const auto bytes = field_bytes(fields);
    auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kAdminRequest), bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error();
    EXPECT_EQ(std::get<AdminRequest>(*decoded), (AdminRequest{17, command})) << command_word(command);
  }
}

TEST(Payload, IgnoresAnArgumentTheAdminCommandDoesNotTake) {
  // disable for node 1 with an address, which the untyped encoding could carry.
  const auto bytes = field_bytes("1:0000000000000011 2:01 3:00000001 4:04c633640a");
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kAdminRequest), bytes);
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(std::get<AdminRequest>(*decoded), (AdminRequest{17, Disable{NodeId(1)}}));
}

TEST(Payload, ToleratesFieldsFromANewerMinorVersion) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 8);           // epoch
  fields.text(77, "future");  // unknown to this version
  fields.node(2, NodeId(4));  // candidate
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kVote), out.data());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  EXPECT_EQ(std::get<Vote>(*decoded), (Vote{8, NodeId(4)}));
}

TEST(Payload, NamesTheMessageAndFieldOfAMissingRequiredField) {
  Writer out;
  FieldWriter(out).u64(1, 8);  // epoch only
  EXPECT_EQ(decode_error(MessageType::kVoteRequest, out), "VoteRequest.candidate: required field is missing");
}

TEST(Payload, NamesTheListItemOfABadAddress) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 7);
  fields.u64(2, 1);
  fields.u8(3, 2);
  for (int i = 0; i < 3; ++i) {
    const auto mark = fields.begin_nested(4);
    if (i < 2)
      fields.prefix(1, prefix("10.0.0.1/24"));
    else
      fields.text(1,
                  "\x09"
                  "abcde");
    fields.text(2, "eth1");
    fields.end_nested(mark);
  }
  EXPECT_EQ(decode_error(MessageType::kTakeoverOrder, out), "TakeoverOrder.items[2].address: unknown address family 9");
}

TEST(Payload, RefusesAnUnknownTakeoverKind) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 7);
  fields.u64(2, 1);
  fields.u8(3, 9);
  EXPECT_EQ(decode_error(MessageType::kTakeoverOrder, out), "TakeoverOrder.kind: unknown takeover kind 9");
}

TEST(Payload, RefusesAnInterfaceListedTwiceInLinks) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 7);
  fields.u32(2, 0);
  for (int i = 0; i < 2; ++i) {
    const auto mark = fields.begin_nested(3);
    fields.text(1, "eth1");
    fields.u8(2, 1);
    fields.end_nested(mark);
  }
  fields.boolean(5, true);
  fields.u64(6, 1);
  EXPECT_EQ(decode_error(MessageType::kStateReport, out), "StateReport.links[1].interface: 'eth1' is listed twice");
}

TEST(Payload, RefusesAnAdminCommandWithoutItsRequiredArgument) {
  // movegroup to node 1, without its group.
  const auto bytes = field_bytes("1:0000000000000003 2:08 3:00000001");
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kAdminRequest), bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "AdminRequest.group: required by movegroup");
}

TEST(Payload, NamesTheSecondsOfABanWithoutThemByTheirFieldName) {
  const auto bytes = field_bytes("1:0000000000000003 2:03 3:00000001");
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kAdminRequest), bytes);
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "AdminRequest.ban_seconds: required by ban");
}

TEST(Payload, RefusesAnUnknownAdminCommand) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 3);
  fields.u8(2, 99);
  EXPECT_EQ(decode_error(MessageType::kAdminRequest, out), "AdminRequest.command: unknown admin command 99");
}

TEST(Payload, RefusesAnUnknownLinkState) {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 3);
  fields.u8(2, static_cast<std::uint8_t>(AdminCommandKind::kSetInterfaceLink));
  fields.node(3, NodeId(1));
  fields.text(6, "eth1");
  fields.u8(7, 5);
  EXPECT_EQ(decode_error(MessageType::kAdminRequest, out), "AdminRequest.link: unknown link state 5");
}

// The nodes of a StatusReply, each a nested item holding nested lists of its own.
void put_node_status(FieldWriter& fields, std::uint32_t node, bool with_has_report) {
  const auto mark = fields.begin_nested(5);
  fields.u32(1, node);
  fields.boolean(2, true);
  fields.u32(3, 0);
  fields.boolean(4, true);
  if (with_has_report) fields.boolean(5, true);
  const auto held = fields.begin_nested(7);
  fields.prefix(1, prefix("198.51.100.10/24"));
  fields.text(2, "eth1");
  fields.end_nested(held);
  fields.end_nested(mark);
}

Writer status_reply_header() {
  Writer out;
  FieldWriter fields(out);
  fields.u64(1, 6);
  fields.u64(2, 7);
  fields.u32(3, 0);
  fields.boolean(4, true);
  return out;
}

TEST(Payload, RoundTripsAStatusReplyOfManyNodes) {
  StatusReply reply = testing::sample_status_reply();
  for (std::uint32_t i = 10; i < 40; ++i) {
    NodeStatus node = reply.nodes.front();
    node.node = NodeId(i);
    reply.nodes.push_back(node);
  }
  EXPECT_EQ(round_trip(reply), Message(reply));
}

TEST(Payload, NamesTheNodeOfAStatusReplyThatLacksARequiredField) {
  Writer out = status_reply_header();
  FieldWriter fields(out);
  put_node_status(fields, 0, true);
  put_node_status(fields, 1, false);
  EXPECT_EQ(decode_error(MessageType::kStatusReply, out), "StatusReply.nodes[1].has_report: required field is missing");
}

TEST(Payload, NamesTheHeldAddressOfANodeInAStatusReply) {
  Writer out = status_reply_header();
  FieldWriter fields(out);
  const auto mark = fields.begin_nested(5);
  fields.u32(1, 2);
  fields.boolean(2, true);
  fields.u32(3, 0);
  fields.boolean(4, true);
  fields.boolean(5, true);
  const auto held = fields.begin_nested(7);
  fields.text(1,
              "\x09"
              "abcde");
  fields.text(2, "eth1");
  fields.end_nested(held);
  fields.end_nested(mark);
  EXPECT_EQ(decode_error(MessageType::kStatusReply, out),
            "StatusReply.nodes[0].held[0].address: unknown address family 9");
}

TEST(Payload, RefusesANodeListedTwiceInAStatusReply) {
  Writer out = status_reply_header();
  FieldWriter fields(out);
  put_node_status(fields, 4, true);
  put_node_status(fields, 4, true);
  EXPECT_EQ(decode_error(MessageType::kStatusReply, out), "StatusReply.nodes[1].node: 4 is listed twice");
}

TEST(Payload, RefusesAStatusReplyWithoutItsRequiredFields) {
  Writer out;
  FieldWriter(out).u64(1, 6);
  EXPECT_EQ(decode_error(MessageType::kStatusReply, out), "StatusReply.epoch: required field is missing");
  EXPECT_EQ(decode_error(MessageType::kStatusRequest, Writer()), "StatusRequest.request_id: required field is missing");
}

TEST(Payload, SkipsUnknownFieldsInsideANodeOfAStatusReply) {
  Writer out = status_reply_header();
  FieldWriter fields(out);
  const auto mark = fields.begin_nested(5);
  fields.u32(1, 2);
  fields.boolean(2, false);
  fields.u32(3, 0);
  fields.boolean(4, true);
  fields.boolean(5, false);
  fields.text(99, "from a later minor version");
  fields.end_nested(mark);
  auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kStatusReply), out.data());
  ASSERT_TRUE(decoded.ok()) << decoded.error();
  const auto& reply = std::get<StatusReply>(*decoded);
  ASSERT_EQ(reply.nodes.size(), 1u);
  EXPECT_EQ(reply.nodes[0].node, NodeId(2));
  EXPECT_FALSE(reply.nodes[0].has_report);
}

// Every proper prefix of a valid payload either decodes (it ended between fields and
// lost only list items) or fails with an error; none crashes or reads past the end.
TEST(Payload, RefusesOrShortensEveryTruncationOfAStatusReply) {
  Writer out;
  encode_payload(testing::sample_status_reply(), out);
  const std::span<const std::uint8_t> bytes(out.data());
  for (std::size_t size = 0; size < bytes.size(); ++size) {
    auto decoded = decode_payload(static_cast<std::uint16_t>(MessageType::kStatusReply), bytes.first(size));
    if (decoded.ok()) {
      EXPECT_NE(*decoded, Message(testing::sample_status_reply())) << size;
    }
  }
}

// A TickleList of `count` connections to 198.51.100.10:3260, the last one's ends as given.
Writer tickle_list_bytes(std::size_t count, const IpAddress& last_server, std::uint32_t last_client_port) {
  Writer out;
  FieldWriter fields(out);
  fields.address(1, v4("198.51.100.10"));
  for (std::size_t i = 0; i < count; ++i) {
    const bool is_last = i + 1 == count;
    const auto mark = fields.begin_nested(2);
    fields.address(1, is_last ? last_server : v4("198.51.100.10"));
    fields.u32(2, 3260);
    fields.address(3, v4("203.0.113.7"));
    fields.u32(4, is_last ? last_client_port : static_cast<std::uint32_t>(1024 + i % 60000));
    fields.end_nested(mark);
  }
  return out;
}

TEST(Payload, RefusesATickleListLongerThanItsLimit) {
  const auto out = tickle_list_bytes(kTickleConnectionsMax + 1, v4("198.51.100.10"), 80);
  EXPECT_EQ(decode_error(MessageType::kTickleList, out),
            "TickleList.connections: 8193 connections exceed " + std::to_string(kTickleConnectionsMax));
  EXPECT_EQ(decode_error(MessageType::kTickleList, tickle_list_bytes(kTickleConnectionsMax, v4("198.51.100.10"), 80)),
            "ok");
}

TEST(Payload, RefusesATickleConnectionToAnotherAddressThanTheList) {
  EXPECT_EQ(decode_error(MessageType::kTickleList, tickle_list_bytes(3, v4("198.51.100.11"), 80)),
            "TickleList.connections[2].server_address: 198.51.100.11 is not the list's address 198.51.100.10");
}

TEST(Payload, RefusesATicklePortOutOfRange) {
  EXPECT_EQ(decode_error(MessageType::kTickleList, tickle_list_bytes(1, v4("198.51.100.10"), 70000)),
            "TickleList.connections[0].client_port: port 70000 is out of range 1..65535");
  EXPECT_EQ(decode_error(MessageType::kTickleList, tickle_list_bytes(1, v4("198.51.100.10"), 0)),
            "TickleList.connections[0].client_port: port 0 is out of range 1..65535");
}

TEST(Payload, RefusesAnUnknownMessageType) {
  auto decoded = decode_payload(4000, {});
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().message(), "frame: unknown message type 4000");
}

TEST(Payload, CutsFreeTextToTheLimitWhenEncoding) {
  const AdminReply reply{1, false, std::string(5000, 'x')};
  const auto decoded = std::get<AdminReply>(round_trip(reply));
  EXPECT_EQ(decoded.message, std::string(kTextMax, 'x'));
}

}  // namespace
}  // namespace tandem::proto
