#include "model/assignment.h"

#include <gtest/gtest.h>

namespace tandem {
namespace {

IpAddress ip(std::string_view text) { return *IpAddress::parse(text); }

TEST(Assignment, FindsEntriesByAddressWhateverTheInputOrder) {
  Assignment assignment({
      {ip("198.51.100.11"), std::nullopt, "no node lists it"},
      {ip("198.51.100.10"), Placement{NodeId(1), InterfaceName("eth1")}, ""},
  });
  EXPECT_EQ(assignment.ips().front().address, ip("198.51.100.10"));
  EXPECT_EQ(assignment.placement_of(ip("198.51.100.10"))->node, NodeId(1));
  EXPECT_FALSE(assignment.placement_of(ip("198.51.100.11")).has_value());
  EXPECT_EQ(assignment.find(ip("198.51.100.12")), nullptr);
}

TEST(CountMoves, CountsNodeAndInterfaceChangesButNotUnchangedAbsence) {
  Assignment before({
      {ip("198.51.100.10"), Placement{NodeId(0), InterfaceName("eth1")}, ""},
      {ip("198.51.100.11"), std::nullopt, "down"},
      {ip("198.51.100.12"), Placement{NodeId(0), InterfaceName("eth2")}, ""},
  });
  Assignment after({
      {ip("198.51.100.10"), Placement{NodeId(0), InterfaceName("eth2")}, ""},
      {ip("198.51.100.11"), std::nullopt, "down"},
      {ip("198.51.100.12"), Placement{NodeId(0), InterfaceName("eth2")}, ""},
  });
  EXPECT_EQ(count_moves(before, after), 1u);
}

}  // namespace
}  // namespace tandem
