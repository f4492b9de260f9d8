// AddressMonitor against a real kernel: an address added or removed on a watched interface
// by someone else (here `ip addr`) is reported; one on another interface is not.
#include "sys/address_monitor.h"

#include <gtest/gtest.h>

#include <chrono>

#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

// Bounds the wait for a kernel event, so a missing event fails the test instead of hanging it.
constexpr std::chrono::seconds kEventWaitMax{3};
// How long to wait for an event that must not come.
constexpr std::chrono::milliseconds kQuietWait{300};

class AddressMonitorTest : public NetnsTest {};

TEST_F(AddressMonitorTest, ReportsAnAddressAddedAndRemovedByAnotherProgram) {
  in_namespace([&] {
    asio::io_context context;
    int reports = 0;
    AddressMonitor monitor(
        context, {node_side()},
        [&] {
          ++reports;
          context.stop();
        },
        Logger([](LogLevel, std::string_view line) { ADD_FAILURE() << "logged: " << line; }));
    ASSERT_TRUE(monitor.start().ok());
    ASSERT_TRUE(netns_.ip("addr add 198.51.100.77/24 dev " + node_side().value()));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, 1);
    context.restart();
    ASSERT_TRUE(netns_.ip("addr del 198.51.100.77/24 dev " + node_side().value()));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, 2);
  });
}

TEST_F(AddressMonitorTest, IgnoresAddressesOnInterfacesItDoesNotWatch) {
  in_namespace([&] {
    asio::io_context context;
    int reports = 0;
    AddressMonitor monitor(
        context, {InterfaceName("tdm-other0")}, [&] { ++reports; }, Logger());
    ASSERT_TRUE(monitor.start().ok());
    ASSERT_TRUE(netns_.ip("addr add 198.51.100.78/24 dev " + node_side().value()));
    context.run_for(kQuietWait);
    EXPECT_EQ(reports, 0);
  });
}

}  // namespace
}  // namespace tandem::sys
