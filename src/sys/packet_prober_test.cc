#include "sys/packet_prober.h"

#include <gtest/gtest.h>

namespace tandem::sys {
namespace {

const MacAddress kMac{0x02, 0x00, 0x00, 0x00, 0x01, 0x01};
const IpAddress kTarget = IpAddress::parse("192.0.2.1").value();
const IpAddress kTarget6 = IpAddress::parse("2001:db8::1").value();

TEST(ProbePackets, AnArpProbeAsksForTheTargetFromAddressZero) {
  EXPECT_EQ(arp_probe_packet(kMac, kTarget),
            (std::vector<std::uint8_t>{0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,  // Ethernet, IPv4, request
                                       0x02, 0x00, 0x00, 0x00, 0x01, 0x01,              // sender MAC
                                       0,    0,    0,    0,                             // sender IP 0.0.0.0
                                       0,    0,    0,    0,    0,    0,                 // target MAC unknown
                                       192,  0,    2,    1}));                          // target IP
}

TEST(ProbePackets, AnArpReplyGivesItsSenderAndARequestNothing) {
  std::vector<std::uint8_t> reply{0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02, 0x02, 0, 0, 0, 0x02, 0x02,
                                  192,  0,    2,    1,    2, 0, 0,    0,    0x01, 1, 0, 0, 0,    0};
  EXPECT_EQ(arp_reply_sender(reply), kTarget);
  EXPECT_EQ(arp_reply_sender(arp_probe_packet(kMac, kTarget)), std::nullopt);
  reply.resize(20);
  EXPECT_EQ(arp_reply_sender(reply), std::nullopt);
}

TEST(ProbePackets, ANeighbourSolicitationNamesTheTargetAndOurLinkLayerAddress) {
  const auto packet = neighbour_solicitation_packet(kMac, kTarget6);
  ASSERT_EQ(packet.size(), 32u);
  EXPECT_EQ(packet[0], 135);
  EXPECT_TRUE(std::equal(kTarget6.bytes().begin(), kTarget6.bytes().end(), packet.begin() + 8));
  EXPECT_EQ(packet[24], 1);  // source link-layer address option
  EXPECT_TRUE(std::equal(kMac.begin(), kMac.end(), packet.begin() + 26));
}

TEST(ProbePackets, ANeighbourAdvertisementGivesItsTargetAndASolicitationNothing) {
  auto advertisement = neighbour_solicitation_packet(kMac, kTarget6);
  advertisement[0] = 136;
  EXPECT_EQ(neighbour_advertisement_target(advertisement), kTarget6);
  EXPECT_EQ(neighbour_advertisement_target(neighbour_solicitation_packet(kMac, kTarget6)), std::nullopt);
}

}  // namespace
}  // namespace tandem::sys
