#include "alloc/interface_choice.h"

#include <gtest/gtest.h>

#include "alloc/min_cost_assignment.h"

namespace tandem::alloc {
namespace {

TEST(MinCostAssignment, FindsTheCheapestPerfectAssignment) {
  // Greedy would give row 0 column 0 (cost 1) and row 1 column 1 (cost 100).
  std::vector<std::vector<std::int64_t>> costs{{1, 2}, {2, 100}};
  EXPECT_EQ(min_cost_assignment(costs), (std::vector<std::size_t>{1, 0}));
}

TEST(MinCostAssignment, HandlesMoreColumnsThanRowsAndForbiddenCells) {
  std::vector<std::vector<std::int64_t>> costs{{kForbiddenCost, 5, 1}, {kForbiddenCost, 1, kForbiddenCost}};
  EXPECT_EQ(min_cost_assignment(costs), (std::vector<std::size_t>{2, 1}));
}

TEST(ChooseInterfaces, PutsAGroupOnDistinctInterfacesEvenAgainstPreference) {
  const std::vector<InterfaceId> both{0, 1};
  std::vector<InterfaceCandidates> ips{{both, 0, kNoInterface}, {both, 0, kNoInterface}};
  std::vector<std::uint32_t> load(2, 0);
  auto chosen = choose_interfaces(ips, load);
  EXPECT_NE(chosen[0], chosen[1]);
  EXPECT_EQ(load, (std::vector<std::uint32_t>{1, 1}));
}

TEST(ChooseInterfaces, PrefersThePreferredInterfaceOverTheCurrentOne) {
  const std::vector<InterfaceId> both{0, 1};
  std::vector<InterfaceCandidates> ips{{both, 0, 1}};
  std::vector<std::uint32_t> load(2, 0);
  EXPECT_EQ(choose_interfaces(ips, load), (std::vector<InterfaceId>{0}));
}

TEST(ChooseInterfaces, KeepsTheCurrentInterfaceOverALighterOne) {
  const std::vector<InterfaceId> both{0, 1};
  std::vector<InterfaceCandidates> ips{{both, kNoInterface, 0}};
  std::vector<std::uint32_t> load{5, 0};
  EXPECT_EQ(choose_interfaces(ips, load), (std::vector<InterfaceId>{0}));
}

TEST(ChooseInterfaces, SharesAnInterfaceOnlyWhenItMust) {
  const std::vector<InterfaceId> only_first{0};
  const std::vector<InterfaceId> all{0, 1, 2};
  std::vector<InterfaceCandidates> ips{
      {all, kNoInterface, kNoInterface}, {only_first, kNoInterface, kNoInterface}, {all, kNoInterface, kNoInterface}};
  std::vector<std::uint32_t> load(3, 0);
  auto chosen = choose_interfaces(ips, load);
  EXPECT_EQ(chosen[1], 0u);
  EXPECT_EQ(load, (std::vector<std::uint32_t>{1, 1, 1}));
}

TEST(ChooseInterfaces, SpreadsEvenlyWhenThereAreMoreIpsThanInterfaces) {
  const std::vector<InterfaceId> both{0, 1};
  std::vector<InterfaceCandidates> ips(4, InterfaceCandidates{both, kNoInterface, kNoInterface});
  std::vector<std::uint32_t> load(2, 0);
  (void)choose_interfaces(ips, load);
  EXPECT_EQ(load, (std::vector<std::uint32_t>{2, 2}));
}

}  // namespace
}  // namespace tandem::alloc
