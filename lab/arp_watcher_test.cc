// The ARP watcher's pure parts: frames, round tags, and the ledger's conflicts.
#include "lab/arp_watcher.h"

#include <gtest/gtest.h>

namespace tandem::lab {
namespace {

const IpAddress kAddress = IpAddress::parse("198.51.100.10").value();
const MacBytes kClient{0x02, 0, 0, 0, 0, 0xfe};
const MacBytes kN0Eth1{0x02, 0, 0, 0, 0, 0x01};
const MacBytes kN0Eth2{0x02, 0, 0, 0, 0, 0x02};
const MacBytes kN1Eth1{0x02, 0, 0, 0, 1, 0x01};

std::map<std::string, std::string> owners() {
  return {{mac_text(kN0Eth1), "n0"}, {mac_text(kN0Eth2), "n0"}, {mac_text(kN1Eth1), "n1"}};
}

// The Ethernet frame of a reply that `node_mac` sends to `probe` (as Linux answers a probe).
std::vector<std::uint8_t> reply_to(const std::vector<std::uint8_t>& probe, const MacBytes& node_mac) {
  std::vector<std::uint8_t> reply = probe;
  std::copy(probe.begin() + 22, probe.begin() + 28, reply.begin());  // to the probe's sender MAC
  std::copy(node_mac.begin(), node_mac.end(), reply.begin() + 6);
  reply[21] = 2;                                                          // ARP reply
  std::copy(node_mac.begin(), node_mac.end(), reply.begin() + 22);        // sender MAC
  std::copy(probe.begin() + 38, probe.begin() + 42, reply.begin() + 28);  // sender IP: the address
  std::copy(probe.begin() + 22, probe.begin() + 28, reply.begin() + 32);  // target MAC: the tag
  std::fill(reply.begin() + 38, reply.begin() + 42, 0);                   // target IP 0.0.0.0
  return reply;
}

TEST(ArpWatcherFrames, AProbeIsABroadcastArpRequestFromTheTagWithSenderIpZero) {
  auto frame = arp_probe_frame(kClient, tag_mac(0x1234), kAddress);
  ASSERT_EQ(frame.size(), 42u);
  EXPECT_EQ(std::vector<std::uint8_t>(frame.begin(), frame.begin() + 6), std::vector<std::uint8_t>(6, 0xff));
  auto packet = parse_arp_frame(frame.data(), frame.size());
  ASSERT_TRUE(packet.has_value());
  EXPECT_FALSE(packet->is_reply);
  EXPECT_EQ(packet->sender_mac, tag_mac(0x1234));
  EXPECT_EQ(packet->sender_ip, IpAddress::v4(0));
  EXPECT_EQ(packet->target_ip, kAddress);
}

TEST(ArpWatcherFrames, AReplyNamesTheAddressItsMacAndTheRoundTag) {
  auto reply = reply_to(arp_probe_frame(kClient, tag_mac(7), kAddress), kN1Eth1);
  auto packet = parse_arp_frame(reply.data(), reply.size());
  ASSERT_TRUE(packet.has_value());
  EXPECT_TRUE(packet->is_reply);
  EXPECT_EQ(packet->sender_ip, kAddress);
  EXPECT_EQ(packet->sender_mac, kN1Eth1);
  EXPECT_EQ(tag_of(packet->target_mac), std::optional<std::uint16_t>(7));
}

TEST(ArpWatcherFrames, ShortOrNonArpFramesAreNotParsed) {
  auto frame = arp_probe_frame(kClient, tag_mac(0), kAddress);
  EXPECT_FALSE(parse_arp_frame(frame.data(), 41).has_value());
  frame[12] = 0x08;
  frame[13] = 0x00;  // IPv4, not ARP
  EXPECT_FALSE(parse_arp_frame(frame.data(), frame.size()).has_value());
}

TEST(ArpWatcherFrames, TagMacsAreLocallyAdministeredUnicastAndCarryTheLow16BitsOfTheRound) {
  EXPECT_EQ(mac_text(tag_mac(0x12345)), "02:74:64:6d:23:45");
  EXPECT_EQ(tag_of(tag_mac(0x12345)), std::optional<std::uint16_t>(0x2345));
  EXPECT_FALSE(tag_of(kN0Eth1).has_value());
}

TEST(ArpLedger, OneNodeAnsweringIsNoConflictEvenFromTwoOfItsInterfaces) {
  ArpLedger ledger(owners());
  ledger.start_round(0, 0);
  ledger.record_reply(0, kAddress, kN0Eth1, 1);
  ledger.record_reply(0, kAddress, kN0Eth2, 1);
  EXPECT_TRUE(ledger.conflicts().empty());
  EXPECT_EQ(ledger.owners_in(0, kAddress), (std::set<std::string>{"n0"}));
  EXPECT_EQ(ledger.replies(), 2u);
}

TEST(ArpLedger, TwoNodesAnsweringInOneRoundIsAConflictRecordedOnce) {
  ArpLedger ledger(owners());
  ledger.start_round(0, 0);
  ledger.record_reply(0, kAddress, kN0Eth1, 1);
  ledger.record_reply(0, kAddress, kN1Eth1, 2);
  ledger.record_reply(0, kAddress, kN1Eth1, 3);
  ASSERT_EQ(ledger.conflicts().size(), 1u);
  EXPECT_EQ(ledger.conflicts()[0].round, 0u);
  EXPECT_EQ(ledger.conflicts()[0].t_ms, 2);
  EXPECT_EQ(ledger.conflicts()[0].owners, (std::set<std::string>{"n0", "n1"}));
}

TEST(ArpLedger, ALateReplyCountsForItsOwnRoundNotTheCurrentOne) {
  ArpLedger ledger(owners());
  ledger.start_round(0, 0);
  ledger.start_round(1, 20);
  ledger.record_reply(1, kAddress, kN1Eth1, 21);  // the new holder answers round 1
  ledger.record_reply(0, kAddress, kN0Eth1, 22);  // the old holder's late answer to round 0
  EXPECT_TRUE(ledger.conflicts().empty());
  EXPECT_EQ(ledger.owners_in(0, kAddress), (std::set<std::string>{"n0"}));
  EXPECT_EQ(ledger.last_answered(kAddress), std::optional<std::uint64_t>(1));
}

TEST(ArpLedger, TagsWrapAfter65536Rounds) {
  ArpLedger ledger(owners());
  for (std::uint64_t round = 0; round <= 70000; ++round) ledger.start_round(round, 0);
  ledger.record_reply(static_cast<std::uint16_t>(70000), kAddress, kN0Eth1, 1);
  ledger.record_reply(static_cast<std::uint16_t>(69999), kAddress, kN1Eth1, 1);
  EXPECT_EQ(ledger.owners_in(70000, kAddress), (std::set<std::string>{"n0"}));
  EXPECT_EQ(ledger.owners_in(69999, kAddress), (std::set<std::string>{"n1"}));
}

TEST(ArpLedger, RepliesToForgottenRoundsOrBeforeAnyRoundAreDropped) {
  ArpLedger ledger(owners());
  ledger.record_reply(0, kAddress, kN0Eth1, 0);
  for (std::uint64_t round = 0; round < ArpLedger::kRoundsKept + 10; ++round) ledger.start_round(round, 0);
  ledger.record_reply(0, kAddress, kN0Eth1, 1);  // round 0 is forgotten (and not round 65536)
  EXPECT_EQ(ledger.replies(), 0u);
  EXPECT_EQ(ledger.dropped(), 2u);
}

TEST(ArpLedger, TellsWhetherANodeAnsweredAnAddressInRoundsStartedWithinATimeSpan) {
  ArpLedger ledger(owners());
  ledger.start_round(0, 100);
  ledger.record_reply(0, kAddress, kN0Eth1, 101);
  ledger.start_round(1, 120);
  ledger.record_reply(1, kAddress, kN1Eth1, 121);
  EXPECT_TRUE(ledger.answered_between(kAddress, "n0", 90, 110));
  EXPECT_FALSE(ledger.answered_between(kAddress, "n0", 110, 130));
  EXPECT_TRUE(ledger.answered_between(kAddress, "n1", 110, 130));
  EXPECT_FALSE(ledger.answered_between(kAddress, "n1", 0, 119));
}

TEST(ArpLedger, UnknownMacsAreTheirOwnOwners) {
  ArpLedger ledger(owners());
  const MacBytes stranger{0x02, 9, 9, 9, 9, 9};
  ledger.start_round(0, 0);
  ledger.record_announcement(kAddress, stranger, 5);
  ASSERT_EQ(ledger.announcements().size(), 1u);
  EXPECT_EQ(ledger.announcements()[0].owner, "02:09:09:09:09:09");
  EXPECT_EQ(ledger.owner_of(mac_text(kN1Eth1)), "n1");
}

}  // namespace
}  // namespace tandem::lab
