// find_drift(), and the machine's answer to AddressesSeen. Whole clusters with an address
// taken away behind a daemon's back are in tests/scenarios/address_audit_scenarios_test.cc.
#include "cluster/address_audit.h"

#include <gtest/gtest.h>

#include "cluster/action_test_support.h"
#include "cluster/node_machine.h"

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;
using testing::all_of;

const InterfaceName kEth1("eth1");
const InterfaceName kEth2("eth2");

IpPrefix prefix(std::string_view text) { return IpPrefix::parse(text).value(); }
proto::HeldAddress at(std::string_view text, const InterfaceName& interface) { return {prefix(text), interface}; }

const AddressList kPublic{{prefix("198.51.100.10/24"), {kEth1, kEth2}}, {prefix("198.51.100.11/24"), {kEth1, kEth2}}};

TEST(FindDrift, FindsNothingWhenTheKernelHoldsWhatIsHeld) {
  const std::vector held{at("198.51.100.10/24", kEth1)};
  EXPECT_TRUE(find_drift(held, kPublic, held).is_empty());
}

TEST(FindDrift, FindsAHeldAddressTheKernelLost) {
  const std::vector held{at("198.51.100.10/24", kEth1), at("198.51.100.11/24", kEth2)};
  const AddressDrift drift = find_drift(held, kPublic, {at("198.51.100.11/24", kEth2)});
  EXPECT_EQ(drift.missing, std::vector{at("198.51.100.10/24", kEth1)});
  EXPECT_TRUE(drift.foreign.empty());
}

TEST(FindDrift, FindsAPublicAddressThatIsNotHeld) {
  const AddressDrift drift = find_drift({}, kPublic, {at("198.51.100.11/24", kEth2)});
  EXPECT_EQ(drift.foreign, std::vector{at("198.51.100.11/24", kEth2)});
  EXPECT_TRUE(drift.missing.empty());
}

TEST(FindDrift, IgnoresAddressesThatAreNotThisNodesPublicAddresses) {
  EXPECT_TRUE(find_drift({}, kPublic, {at("192.0.2.1/24", kEth1), at("203.0.113.10/24", kEth2)}).is_empty());
}

TEST(FindDrift, SeesAHeldAddressMovedToAnotherInterfaceAsBothMissingAndForeign) {
  const AddressDrift drift = find_drift({at("198.51.100.10/24", kEth1)}, kPublic, {at("198.51.100.10/24", kEth2)});
  EXPECT_EQ(drift.missing, std::vector{at("198.51.100.10/24", kEth1)});
  EXPECT_EQ(drift.foreign, std::vector{at("198.51.100.10/24", kEth2)});
}

TEST(FindDrift, KeepsTheKernelsPrefixLengthForAForeignAddress) {
  const AddressDrift drift = find_drift({}, kPublic, {at("198.51.100.10/32", kEth1)});
  EXPECT_EQ(drift.foreign, std::vector{at("198.51.100.10/32", kEth1)});
}

NodeConfig one_of_three() {
  NodeConfig config;
  config.self = NodeId(0);
  config.nodes = {NodeId(0), NodeId(1), NodeId(2)};
  config.public_addresses = kPublic;
  config.random_seed = 5;
  return config;
}

TEST(AddressesSeen, APublicAddressOnANodeThatHoldsNothingIsRemovedAndCounted) {
  NodeMachine machine(one_of_three());
  const TimePoint now = kTimeZero + 1s;
  (void)machine.on(Start{{}, {{kEth1, LinkState::kUp}, {kEth2, LinkState::kUp}}}, now);
  const auto actions = machine.on(AddressesSeen{{at("198.51.100.11/24", kEth2), at("192.0.2.1/24", kEth1)}}, now);
  const auto removed = all_of<RemoveAddress>(actions);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].prefix, prefix("198.51.100.11/24"));
  EXPECT_EQ(removed[0].interface, kEth2);
  EXPECT_TRUE(all_of<AddAddress>(actions).empty());
  EXPECT_EQ(machine.repairs(), (AddressRepairs{0, 1}));
}

TEST(AddressesSeen, IsIgnoredBeforeTheStart) {
  NodeMachine machine(one_of_three());
  EXPECT_TRUE(all_of<RemoveAddress>(machine.on(AddressesSeen{{at("198.51.100.11/24", kEth2)}}, kTimeZero)).empty());
}

}  // namespace
}  // namespace tandem::cluster
