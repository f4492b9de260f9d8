// LinkMonitor against a real kernel: the switch side of a veth pair going down takes the
// node side's carrier away (NO-CARRIER), as a pulled cable would (LAB-NOTES).
#include "sys/link_monitor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "sys/netns_test_fixture.h"

namespace tandem::sys {
namespace {

using Report = std::pair<InterfaceName, LinkState>;

// Bounds the wait for a kernel event, so a missing event fails the test instead of hanging
// it; the event itself comes within milliseconds (veth carrier changes are urgent events).
constexpr std::chrono::seconds kEventWaitMax{3};

class LinkMonitorTest : public NetnsTest {};

TEST_F(LinkMonitorTest, CurrentLinksReportsWatchedInterfacesOnly) {
  in_namespace([&] {
    asio::io_context context;
    LinkMonitor monitor(context, {node_side(), InterfaceName("tdm-missing0")}, nullptr, nullptr);
    auto links = monitor.current_links();
    ASSERT_TRUE(links.ok()) << links.error();
    EXPECT_EQ(*links, (std::map<InterfaceName, LinkState>{{node_side(), LinkState::kUp},
                                                          {InterfaceName("tdm-missing0"), LinkState::kDown}}));
  });
}

TEST_F(LinkMonitorTest, ReportsCarrierLossAndReturnWhenTheSwitchSideGoesDownAndUp) {
  in_namespace([&] {
    asio::io_context context;
    std::vector<Report> reports;
    LinkMonitor monitor(
        context, {node_side()},
        [&](InterfaceName interface, LinkState state) {
          reports.emplace_back(std::move(interface), state);
          context.stop();
        },
        [](const std::string& line) { ADD_FAILURE() << "logged: " << line; });
    auto started = monitor.start();
    ASSERT_TRUE(started.ok()) << started.error();

    ASSERT_TRUE(netns_.ip("link set sw0 down"));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kDown}}));
    auto links = monitor.current_links();
    ASSERT_TRUE(links.ok());
    EXPECT_EQ(links->at(node_side()), LinkState::kDown);

    context.restart();
    ASSERT_TRUE(netns_.ip("link set sw0 up"));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kDown},
                                            {node_side(), LinkState::kUp}}));
  });
}

TEST_F(LinkMonitorTest, ReportsAnAdministrativeDownOfTheWatchedInterface) {
  in_namespace([&] {
    asio::io_context context;
    std::vector<Report> reports;
    LinkMonitor monitor(context, {node_side()}, [&](InterfaceName interface, LinkState state) {
      reports.emplace_back(std::move(interface), state);
      context.stop();
    }, nullptr);
    ASSERT_TRUE(monitor.start().ok());
    ASSERT_TRUE(netns_.ip("link set sw0 down"));  // not watched: changes only node0's carrier
    ASSERT_TRUE(netns_.ip("link set node0 down"));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kDown}}));
  });
}

}  // namespace
}  // namespace tandem::sys
