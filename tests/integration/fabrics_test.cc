// Separate fabrics (`tandem-lab up --fabrics separate`): eth1 of every node on fabric A,
// eth2 on fabric B, nothing joining them; the client has eth0 on A (198.51.100.254) and
// eth1 on B (203.0.113.254), so it reaches each public IP over that IP's own fabric. Each
// public IP may use its own interface only, so a NIC failure costs its node that IP; the
// groups' on-path-loss policy decides what follows. Group g0 is 198.51.100.10@eth1 and
// 203.0.113.10@eth2 (with --ipv6 also 2001:db8:100::10@eth1 and 2001:db8:113::10@eth2).
#include <algorithm>
#include <thread>

#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

using lab::answer_is;
using lab::answer_not_from;
using lab::FailoverClock;

class SeparateFabrics : public LabTest {
 protected:
  lab::LabOptions fabric_options(PathLossPolicy policy, bool has_ipv6) const {
    lab::LabOptions options = lab_options();
    options.has_separate_fabrics = true;
    options.on_path_loss = policy;
    options.has_ipv6 = has_ipv6;
    return options;
  }

  // g0's addresses on `interface` ("eth1"), from the plan.
  std::vector<IpAddress> g0_on(const std::string& interface) const {
    std::vector<IpAddress> out;
    for (const auto& address : plan().groups.at(0).addresses) {
      if (address.preferred_interface == interface) out.push_back(address.prefix.address);
    }
    return out;
  }

  // Whether some node's kernel holds `address`.
  bool is_held_anywhere(const IpAddress& address) const {
    for (const auto& node : nodes()) {
      for (const auto& held : addresses_on(node)) {
        if (held.substr(0, held.find(' ')) == address.to_string()) return true;
      }
    }
    return false;
  }

  // Every attempt on `address` in [from_ms, to_ms) was answered, and by `answer` alone.
  void expect_answered_throughout(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms,
                                  const std::string& answer) const {
    EXPECT_EQ(probe().failures_between(address, from_ms, to_ms), 0) << address << " stopped answering";
    for (const auto& change : probe().changes()) {
      if (change.address != address || change.attempt_start_ms < from_ms || change.attempt_start_ms >= to_ms) continue;
      EXPECT_EQ(change.outcome(), answer) << address << " changed at " << change.t_ms << " ms";
    }
  }

  // Quiet time before a fault: longer than the announcements of a move (3 x 250 ms) and a
  // neighbour entry's locktime (1 s).
  static constexpr std::chrono::milliseconds kSettled{2000};

  // A NIC failure and its return under on-path-loss=stay: the group stays on its node, its
  // healthy path (eth2, fabric B) answers throughout, the failed path's IPs are hosted
  // nowhere meanwhile and answer again from the same node's eth1 when the link returns.
  void check_stay(bool has_ipv6) {
    ASSERT_NO_FATAL_FAILURE(bring_up(fabric_options(PathLossPolicy::kStay, has_ipv6)));
    // The start-up runs move groups (a rebalance once every node has joined); a fault that
    // lands while their announcements still repeat measures the start-up, not the policy.
    ASSERT_TRUE(probe().wait_until_stable(kSettled, kNodeMoveLimit)) << "the lab never settled after up";
    const auto lost = g0_on("eth1");
    const auto healthy = g0_on("eth2");
    const std::string node = groups_from_client().at("g0");
    ASSERT_FALSE(node.empty());

    ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
    FailoverClock down(probe());
    down.mark_fault();
    for (const auto& address : lost) {
      EXPECT_TRUE(wait_until(kNodeMoveLimit, [&] { return !is_held_anywhere(address); }))
          << address << " is still held by some node after its interface failed";
    }
    // Long enough for a move to have happened if the policy allowed one.
    std::this_thread::sleep_for(2s);
    EXPECT_EQ(groups_from_kernel().at("g0"), "") << "g0 is whole somewhere: it should have lost a path";
    for (const auto& address : lost) EXPECT_FALSE(is_held_anywhere(address)) << address << " was taken elsewhere";

    ASSERT_TRUE(lab().nic_up(node, "eth1").ok());
    FailoverClock up(probe());
    up.mark_fault();
    auto back = up.wait_all(lost, kNodeMoveLimit, answer_is(node + " eth1"));
    ASSERT_TRUE(back.ok()) << back.error().message();
    ASSERT_TRUE(wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == node; }))
        << "groups: " << places_text(groups_from_client());
    FailoverClock end(probe());
    end.mark_fault();
    for (const auto& address : healthy) {
      expect_answered_throughout(address, down.fault_ms(), end.fault_ms(), node + " eth2");
    }
    EXPECT_EQ(groups_from_kernel().at("g0"), node);
  }

  // A NIC failure under on-path-loss=move: the group moves whole to another node, each IP
  // on its own interface there.
  void check_move(bool has_ipv6) {
    ASSERT_NO_FATAL_FAILURE(bring_up(fabric_options(PathLossPolicy::kMove, has_ipv6)));
    const std::string node = groups_from_client().at("g0");
    ASSERT_FALSE(node.empty());

    ASSERT_TRUE(lab().nic_down(node, "eth1").ok());
    FailoverClock clock(probe());
    clock.mark_fault();
    auto answered = clock.wait_all(group_ips("g0"), kNodeMoveLimit, answer_not_from(node));
    ASSERT_TRUE(answered.ok()) << answered.error().message();
    auto places = wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") != node; });
    ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
    const std::string other = places->at("g0");
    for (const auto& address : g0_on("eth1")) EXPECT_EQ(probe().latest(address)->answer, other + " eth1");
    for (const auto& address : g0_on("eth2")) EXPECT_EQ(probe().latest(address)->answer, other + " eth2");
    EXPECT_EQ(groups_from_kernel().at("g0"), other);
  }
};

TEST_F(SeparateFabrics, StayKeepsTheGroupOnItsNodeAndItsHealthyPathAnsweringThroughANicFailure) { check_stay(false); }

TEST_F(SeparateFabrics, MoveTakesTheGroupWholeToAnotherNodeOnANicFailure) { check_move(false); }

TEST_F(SeparateFabrics, StayKeepsTheGroupOnItsNodeWithIpv6Too) { check_stay(true); }

TEST_F(SeparateFabrics, MoveTakesTheGroupWholeToAnotherNodeWithIpv6Too) { check_move(true); }

}  // namespace
}  // namespace tandem::integration
