// Property tests of the wire protocol: random messages round-trip exactly, and no byte
// string (random, or a valid frame with random damage) can crash decode() or the splitter.
// Run them under the asan-ubsan preset to also catch over-reads that do not crash.
// Replay a failure with the RC_PARAMS="reproduce=..." line rapidcheck prints.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "proto/frame.h"
#include "proto/frame_splitter.h"
#include "proto/limits.h"

namespace tandem::proto {
namespace {

// ---------------------------------------------------------------------------------------
// Random values. Each is a rapidcheck pick, so a failure shrinks pick by pick.

template <typename T>
T pick(T low, T high) {
  return *rc::gen::inRange<T>(low, high + 1);
}  // inclusive
template <typename T>
T any() {
  return *rc::gen::arbitrary<T>();
}
bool chance(int percent) { return pick(0, 99) < percent; }

std::string any_text(std::size_t max) {
  const std::size_t size = pick<std::size_t>(0, max);
  std::string out;
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<char>(any<std::uint8_t>()));
  return out;
}

std::string any_identifier(std::size_t max) {
  const std::size_t size = pick<std::size_t>(1, max);
  std::string out;
  for (std::size_t i = 0; i < size; ++i) out.push_back(static_cast<char>(pick(0x21, 0x7e)));
  return out;
}

NodeId any_node() { return NodeId(pick<std::uint32_t>(0, 0xFFFFFFFEu)); }
InterfaceName any_interface() { return InterfaceName(any_identifier(kInterfaceNameMax)); }
GroupName any_group() { return GroupName(any_identifier(kGroupNameMax)); }
LinkState any_link() { return chance(50) ? LinkState::kUp : LinkState::kDown; }

IpAddress any_address() {
  if (chance(50)) return IpAddress::v4(any<std::uint32_t>());
  IpAddress::Bytes bytes{};
  for (auto& byte : bytes) byte = any<std::uint8_t>();
  return IpAddress::v6(bytes);
}

IpPrefix any_prefix() {
  const IpAddress address = any_address();
  return IpPrefix{address, pick(0, address.bit_length())};
}

template <typename Make>
auto list_of(std::size_t max, Make make) {
  std::vector<decltype(make())> out;
  const std::size_t size = pick<std::size_t>(0, max);
  for (std::size_t i = 0; i < size; ++i) out.push_back(make());
  return out;
}

TakeoverKind any_kind() { return static_cast<TakeoverKind>(pick(1, 4)); }

template <typename T>
std::optional<T> maybe(T value) {
  return chance(50) ? std::optional<T>(std::move(value)) : std::nullopt;
}

StateReport any_state_report() {
  StateReport report;
  report.epoch = any<std::uint64_t>();
  report.flags = NodeFlags(any<std::uint32_t>());
  for (std::size_t i = pick<std::size_t>(0, 4); i > 0; --i) report.links[any_interface()] = any_link();
  report.held = list_of(5, [] { return HeldAddress{any_prefix(), any_interface()}; });
  report.monitor_healthy = chance(50);
  report.config_generation = any<std::uint64_t>();
  report.addresses = list_of(4, [] { return PublicAddress{any_prefix(), list_of(3, [] { return any_interface(); })}; });
  report.applied_epoch = any<std::uint64_t>();
  report.applied_run_id = any<std::uint64_t>();
  report.shutting_down = chance(50);
  return report;
}

// Any kind, from arguments that hold everything it requires and maybe more: the command
// keeps what it takes.
AdminRequest any_admin_request() {
  const auto kind = admin_command_kind(pick<std::uint8_t>(1, kAdminCommandKindMax)).value();
  AdminArguments arguments;
  arguments.node = any_node();
  arguments.address = any_address();
  arguments.group = any_group();
  arguments.interface = any_interface();
  arguments.link = any_link();
  arguments.seconds = any<std::uint32_t>();
  if (chance(30)) arguments.node.reset();  // required by most: then only reloadips and ipreallocate
  auto command = make_admin_command(kind, arguments);
  if (!std::holds_alternative<AdminCommand>(command))
    command = make_admin_command(AdminCommandKind::kReloadIps, arguments);
  return AdminRequest{any<std::uint64_t>(), std::get<AdminCommand>(command)};
}

NodeStatus any_node_status(NodeId node) {
  NodeStatus status;
  status.node = node;
  status.connected = chance(50);
  status.flags = NodeFlags(any<std::uint32_t>());
  status.monitor_healthy = chance(50);
  status.has_report = chance(50);
  for (std::size_t i = pick<std::size_t>(0, 3); i > 0; --i) status.links[any_interface()] = any_link();
  status.held = list_of(3, [] { return HeldAddress{any_prefix(), any_interface()}; });
  status.addresses = list_of(3, [] { return PublicAddress{any_prefix(), list_of(2, [] { return any_interface(); })}; });
  return status;
}

// Nodes are distinct (decoding refuses a node listed twice), so number them in order.
StatusReply any_status_reply() {
  StatusReply reply{any<std::uint64_t>(), any<std::uint64_t>(), any_node(), chance(50), {}};
  std::uint32_t next = pick<std::uint32_t>(0, 100);
  for (std::size_t i = pick<std::size_t>(0, 5); i > 0; --i) {
    reply.nodes.push_back(any_node_status(NodeId(next)));
    next += pick<std::uint32_t>(1, 1000);
  }
  return reply;
}

// Ends of one family, the server's address the list's (decoding refuses anything else).
TickleList any_tickle_list() {
  TickleList list;
  list.address = any_address();
  const bool is_v4 = list.address.is_v4();
  list.connections = list_of(4, [&] {
    IpAddress client = IpAddress::v4(any<std::uint32_t>());
    if (!is_v4) {
      IpAddress::Bytes bytes{};
      for (auto& byte : bytes) byte = any<std::uint8_t>();
      client = IpAddress::v6(bytes);
    }
    const auto port = [] { return static_cast<std::uint16_t>(pick<std::uint32_t>(1, 65535)); };
    return TcpConnection{{list.address, port()}, {client, port()}};
  });
  return list;
}

Message any_message() {
  switch (pick(0, 10)) {
    case 0: {
      auto leader = chance(50) ? std::optional<NodeId>(any_node()) : std::nullopt;
      return Heartbeat{any<std::uint64_t>(),
                       leader,
                       any<std::uint64_t>(),
                       any<std::uint64_t>(),
                       NodeFlags(any<std::uint32_t>()),
                       any<std::uint64_t>(),
                       any<std::uint64_t>(),
                       list_of(3, [] {
                         return Pin{any_address(), any_node()};
                       })};
    }
    case 1:
      return any_state_report();
    case 2: {
      auto items = list_of(5, [] { return TakeoverItem{any_prefix(), any_interface(), maybe(any_group())}; });
      return TakeoverOrder{any<std::uint64_t>(), any<std::uint64_t>(), any_kind(), items};
    }
    case 3: {
      auto failures = list_of(4, [] {
        return TakeoverFailure{any_address(), static_cast<FailureCause>(any<std::uint8_t>() % 6), any_text(40)};
      });
      return TakeoverAck{any<std::uint64_t>(), any<std::uint64_t>(), any_kind(), chance(50), failures};
    }
    case 4:
      return any_admin_request();
    case 5:
      return AdminReply{any<std::uint64_t>(), chance(50), any_text(60)};
    case 6:
      return VoteRequest{any<std::uint64_t>(), any_node()};
    case 7:
      return Vote{any<std::uint64_t>(), any_node()};
    case 8:
      return StatusRequest{any<std::uint64_t>()};
    case 9:
      return any_tickle_list();
    default:
      return any_status_reply();
  }
}

Envelope any_envelope() {
  Envelope envelope;
  envelope.sender = any_node();
  envelope.receiver = chance(20) ? kBroadcast : any_node();
  envelope.sequence = any<std::uint64_t>();
  envelope.flags = any<std::uint16_t>();
  envelope.message = any_message();
  for (auto& byte : envelope.tag) byte = chance(10) ? any<std::uint8_t>() : 0;
  return envelope;
}

// Feeds bytes to a splitter in random chunks and decodes what comes out.
void split_and_decode(const std::vector<std::uint8_t>& bytes) {
  FrameSplitter splitter;
  std::span<const std::uint8_t> rest(bytes);
  while (!rest.empty()) {
    const std::size_t size = pick<std::size_t>(1, rest.size());
    auto frames = splitter.feed(rest.first(size));
    rest = rest.subspan(size);
    if (!frames.ok()) return;
    for (const auto& frame : *frames) (void)decode(frame);
  }
}

// ---------------------------------------------------------------------------------------
// Properties

RC_GTEST_PROP(ProtoProperty, EveryMessageRoundTripsExactly, ()) {
  const Envelope envelope = any_envelope();
  auto decoded = decode(encode(envelope));
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == envelope);
}

RC_GTEST_PROP(ProtoProperty, SplittingAStreamOfFramesYieldsThemInOrder, ()) {
  const auto envelopes = list_of(4, any_envelope);
  std::vector<std::uint8_t> stream;
  for (const auto& envelope : envelopes) {
    const auto frame = encode(envelope);
    stream.insert(stream.end(), frame.begin(), frame.end());
  }
  FrameSplitter splitter;
  std::vector<Envelope> received;
  std::span<const std::uint8_t> rest(stream);
  while (!rest.empty()) {
    const std::size_t size = pick<std::size_t>(1, rest.size());
    auto frames = splitter.feed(rest.first(size));
    RC_ASSERT(frames.ok());
    for (const auto& frame : *frames) received.push_back(decode(frame).value());
    rest = rest.subspan(size);
  }
  RC_ASSERT(received == envelopes);
}

RC_GTEST_PROP(ProtoProperty, RandomBytesNeverCrashDecode, ()) {
  auto bytes = *rc::gen::container<std::vector<std::uint8_t>>(rc::gen::arbitrary<std::uint8_t>());
  if (chance(50) && bytes.size() >= kHeaderSize) {  // a plausible header, to reach the payload
    std::copy(std::begin(kMagic), std::end(kMagic), bytes.begin());
    bytes[4] = kVersionMajor;
    const auto payload =
        static_cast<std::uint32_t>(bytes.size() >= kHeaderSize + kTagSize ? bytes.size() - kHeaderSize - kTagSize : 0);
    for (std::size_t i = 0; i < 4; ++i) bytes[26 + i] = static_cast<std::uint8_t>(payload >> (24 - 8 * i));
  }
  (void)decode(bytes);
  split_and_decode(bytes);
}

RC_GTEST_PROP(ProtoProperty, DamagedFramesNeverCrashDecode, ()) {
  auto bytes = encode(any_envelope());
  for (std::size_t count = pick<std::size_t>(1, 8); count > 0; --count) {
    const std::size_t at = pick<std::size_t>(0, bytes.size() - 1);
    switch (pick(0, 3)) {
      case 0:
        bytes[at] = any<std::uint8_t>();
        break;
      case 1:
        bytes[at] ^= static_cast<std::uint8_t>(1u << pick(0, 7));
        break;
      case 2:
        bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      default:
        bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), any<std::uint8_t>());
        break;
    }
    if (bytes.empty()) break;
  }
  (void)decode(bytes);
  split_and_decode(bytes);
}

}  // namespace
}  // namespace tandem::proto
