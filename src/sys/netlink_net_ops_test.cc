// NetlinkNetOps against a real kernel, inside a network namespace each test creates.
#include "sys/netlink_net_ops.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

IpPrefix prefix(const char* text) { return IpPrefix::parse(text).value(); }

bool holds(const std::vector<proto::HeldAddress>& list, const IpPrefix& address, const InterfaceName& interface) {
  return std::find(list.begin(), list.end(), proto::HeldAddress{address, interface}) != list.end();
}

class NetlinkNetOpsTest : public NetnsTest {
 protected:
  // Runs `body` in the namespace with a NetlinkNetOps for both veth ends.
  void with_net_ops(const std::function<void(NetlinkNetOps&)>& body) {
    in_namespace([&] {
      NetlinkNetOps ops({node_side(), switch_side()},
                        Logger([](LogLevel, std::string_view line) { ADD_FAILURE() << "logged: " << line; }));
      body(ops);
    });
  }
};

TEST_F(NetlinkNetOpsTest, AddedAddressIsListedOnItsInterface) {
  with_net_ops([&](NetlinkNetOps& ops) {
    auto added = ops.add_address(prefix("192.0.2.10/24"), node_side());
    ASSERT_TRUE(added.ok()) << added.error();
    auto list = ops.list_addresses();
    EXPECT_TRUE(holds(list, prefix("192.0.2.10/24"), node_side()));
    EXPECT_FALSE(holds(list, prefix("192.0.2.10/24"), switch_side()));
  });
}

TEST_F(NetlinkNetOpsTest, AddingAnAddressTwiceSucceeds) {
  with_net_ops([&](NetlinkNetOps& ops) {
    ASSERT_TRUE(ops.add_address(prefix("198.51.100.7/24"), node_side()).ok());
    auto again = ops.add_address(prefix("198.51.100.7/24"), node_side());
    EXPECT_TRUE(again.ok()) << again.error();
    auto list = ops.list_addresses();
    EXPECT_EQ(std::count(list.begin(), list.end(), proto::HeldAddress{prefix("198.51.100.7/24"), node_side()}), 1);
  });
}

// The first address of a subnet is the kernel's "primary": removing it must keep the others.
TEST_F(NetlinkNetOpsTest, RemovedAddressIsNoLongerListedAndOthersOfItsSubnetStay) {
  with_net_ops([&](NetlinkNetOps& ops) {
    ASSERT_TRUE(ops.add_address(prefix("203.0.113.5/24"), node_side()).ok());
    ASSERT_TRUE(ops.add_address(prefix("203.0.113.6/24"), node_side()).ok());
    auto removed = ops.remove_address(prefix("203.0.113.5/24"), node_side());
    ASSERT_TRUE(removed.ok()) << removed.error();
    auto list = ops.list_addresses();
    EXPECT_FALSE(holds(list, prefix("203.0.113.5/24"), node_side()));
    EXPECT_TRUE(holds(list, prefix("203.0.113.6/24"), node_side()));
  });
}

TEST_F(NetlinkNetOpsTest, RemovingAnAbsentAddressSucceeds) {
  with_net_ops([&](NetlinkNetOps& ops) {
    auto removed = ops.remove_address(prefix("192.0.2.99/24"), node_side());
    EXPECT_TRUE(removed.ok()) << removed.error();
    auto from_missing = ops.remove_address(prefix("192.0.2.99/24"), InterfaceName("tdm-missing0"));
    EXPECT_TRUE(from_missing.ok()) << from_missing.error();
  });
}

TEST_F(NetlinkNetOpsTest, AddingOnAMissingInterfaceFailsNamingIt) {
  with_net_ops([&](NetlinkNetOps& ops) {
    auto added = ops.add_address(prefix("192.0.2.11/24"), InterfaceName("tdm-missing0"));
    ASSERT_FALSE(added.ok());
    std::string message = added.error().message();
    EXPECT_NE(message.find("tdm-missing0"), std::string::npos) << message;
    EXPECT_NE(message.find("192.0.2.11/24"), std::string::npos) << message;
    EXPECT_NE(message.find("No such device"), std::string::npos) << message;
  });
}

TEST_F(NetlinkNetOpsTest, AddsListsAndRemovesIpv6Addresses) {
  with_net_ops([&](NetlinkNetOps& ops) {
    auto added = ops.add_address(prefix("2001:db8::10/64"), node_side());
    ASSERT_TRUE(added.ok()) << added.error();
    EXPECT_TRUE(ops.add_address(prefix("2001:db8::10/64"), node_side()).ok());
    auto list = ops.list_addresses();
    EXPECT_TRUE(holds(list, prefix("2001:db8::10/64"), node_side()));
    for (const auto& held : list) {
      EXPECT_FALSE(held.prefix.to_string().starts_with("fe80")) << "link-local listed";
    }
    auto removed = ops.remove_address(prefix("2001:db8::10/64"), node_side());
    ASSERT_TRUE(removed.ok()) << removed.error();
    EXPECT_FALSE(holds(ops.list_addresses(), prefix("2001:db8::10/64"), node_side()));
    EXPECT_TRUE(ops.remove_address(prefix("2001:db8::10/64"), node_side()).ok());
  });
}

TEST_F(NetlinkNetOpsTest, ListsNoInterfaceItWasNotGiven) {
  in_namespace([&] {
    NetlinkNetOps all({node_side(), switch_side()}, Logger());
    NetlinkNetOps switch_only({switch_side(), InterfaceName("tdm-missing0")}, Logger());
    ASSERT_TRUE(all.add_address(prefix("192.0.2.20/24"), node_side()).ok());
    ASSERT_TRUE(all.add_address(prefix("198.51.100.20/24"), switch_side()).ok());
    auto list = switch_only.list_addresses();
    EXPECT_EQ(list, (std::vector<proto::HeldAddress>{{prefix("198.51.100.20/24"), switch_side()}}));
  });
}

}  // namespace
}  // namespace tandem::sys
