// Announcements as a client on the switch side receives them, inside a network namespace
// each test creates; and the packets' layout.
#include "sys/announcement.h"

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include <arpa/inet.h>

#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "sys/netlink_net_ops.h"
#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

// How long the capture waits for one more packet before it decides there are no more.
constexpr int kQuietMs = 150;

IpAddress address(const char* text) { return IpAddress::parse(text).value(); }

// A packet socket on `interface` receiving `protocol` frames (without Ethernet header) that
// arrive from the wire, as a client's kernel would see them.
class Capture {
 public:
  Capture(const InterfaceName& interface, std::uint16_t protocol)
      : fd_(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(protocol))) {
    sockaddr_ll local{};
    local.sll_family = AF_PACKET;
    local.sll_protocol = htons(protocol);
    local.sll_ifindex = static_cast<int>(::if_nametoindex(interface.value().c_str()));
    is_ready_ = fd_.is_valid() && ::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&local), sizeof local) == 0;
  }
  bool is_ready() const { return is_ready_; }

  // Every incoming packet until none comes for kQuietMs.
  std::vector<std::vector<std::uint8_t>> packets() {
    std::vector<std::vector<std::uint8_t>> received;
    pollfd wait{fd_.get(), POLLIN, 0};
    while (::poll(&wait, 1, kQuietMs) == 1) {
      std::vector<std::uint8_t> packet(2048);
      sockaddr_ll from{};
      socklen_t from_size = sizeof from;
      ssize_t size =
          ::recvfrom(fd_.get(), packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_size);
      if (size < 0) break;
      if (from.sll_pkttype == PACKET_OUTGOING) continue;
      packet.resize(static_cast<std::size_t>(size));
      received.push_back(std::move(packet));
    }
    return received;
  }

 private:
  UniqueFd fd_;
  bool is_ready_ = false;
};

std::uint16_t u16_at(const std::vector<std::uint8_t>& packet, std::size_t at) {
  return static_cast<std::uint16_t>(packet[at] << 8 | packet[at + 1]);
}

bool bytes_equal(const std::vector<std::uint8_t>& packet, std::size_t at, const std::uint8_t* bytes, std::size_t size) {
  return packet.size() >= at + size && std::equal(bytes, bytes + size, packet.begin() + static_cast<long>(at));
}

class AnnouncementTest : public NetnsTest {};

TEST_F(AnnouncementTest, GratuitousArpRequestAndReplyReachTheSwitchSide) {
  in_namespace([&] {
    NetlinkNetOps ops({node_side()},
                      Logger([](LogLevel, std::string_view line) { ADD_FAILURE() << "logged: " << line; }));
    Capture capture(switch_side(), ETH_P_ARP);
    ASSERT_TRUE(capture.is_ready());
    auto mac = interface_mac(node_side());
    ASSERT_TRUE(mac.ok()) << mac.error();
    IpAddress announced = address("192.0.2.10");
    ASSERT_TRUE(ops.add_address({announced, 24}, node_side()).ok());

    ops.announce(announced, node_side());

    int requests = 0;
    int replies = 0;
    for (const auto& packet : capture.packets()) {
      ASSERT_EQ(packet.size(), 28u);
      EXPECT_EQ(u16_at(packet, 0), 1);       // Ethernet
      EXPECT_EQ(u16_at(packet, 2), 0x0800);  // IPv4
      EXPECT_TRUE(bytes_equal(packet, 8, mac->data(), 6)) << "sender MAC";
      EXPECT_TRUE(bytes_equal(packet, 14, announced.bytes().data(), 4)) << "sender IP";
      EXPECT_TRUE(bytes_equal(packet, 24, announced.bytes().data(), 4)) << "target IP";
      std::uint16_t op = u16_at(packet, 6);
      if (op == 1) ++requests;
      if (op == 2) ++replies;
    }
    EXPECT_EQ(requests, 1) << "one announcement: repeats are the node machine's";
    EXPECT_EQ(replies, 1);
  });
}

TEST_F(AnnouncementTest, UnsolicitedNeighbourAdvertisementReachesTheSwitchSide) {
  in_namespace([&] {
    NetlinkNetOps ops({node_side()},
                      Logger([](LogLevel, std::string_view line) { ADD_FAILURE() << "logged: " << line; }));
    Capture capture(switch_side(), ETH_P_IPV6);
    ASSERT_TRUE(capture.is_ready());
    auto mac = interface_mac(node_side());
    ASSERT_TRUE(mac.ok()) << mac.error();
    IpAddress announced = address("2001:db8::10");
    ASSERT_TRUE(ops.add_address({announced, 64}, node_side()).ok());

    ops.announce(announced, node_side());

    int advertisements = 0;
    for (const auto& packet : capture.packets()) {
      // IPv6 header (40 bytes), then ICMPv6; other traffic (MLD, router solicitations) is skipped.
      if (packet.size() < 40 + 32 || packet[6] != 58 || packet[40] != 136) continue;
      if (!bytes_equal(packet, 48, announced.bytes().data(), 16)) continue;
      ++advertisements;
      EXPECT_EQ(packet[7], 255) << "hop limit";
      EXPECT_TRUE(bytes_equal(packet, 8, announced.bytes().data(), 16)) << "source address";
      EXPECT_EQ(packet[44] & 0xe0, 0x20) << "override set; router and solicited clear";
      EXPECT_EQ(packet[64], 2) << "target link-layer address option";
      EXPECT_TRUE(bytes_equal(packet, 66, mac->data(), 6)) << "advertised MAC";
    }
    EXPECT_EQ(advertisements, 1);
  });
}

TEST(AnnouncementPacket, GratuitousArpReplyNamesTheSenderAsTarget) {
  MacAddress mac{2, 0, 0, 0, 0, 1};
  auto packet = gratuitous_arp_packet(ArpForm::kReply, mac, address("203.0.113.4"));
  ASSERT_EQ(packet.size(), 28u);
  EXPECT_EQ(u16_at(packet, 6), 2);
  EXPECT_TRUE(bytes_equal(packet, 18, mac.data(), 6));
  auto request = gratuitous_arp_packet(ArpForm::kRequest, mac, address("203.0.113.4"));
  EXPECT_EQ(u16_at(request, 6), 1);
  EXPECT_TRUE(std::all_of(request.begin() + 18, request.begin() + 24, [](auto b) { return b == 0; }));
}

}  // namespace
}  // namespace tandem::sys
