// LinkMonitor against a real kernel: the switch side of a veth pair going down takes the
// node side's carrier away (NO-CARRIER), as a pulled cable would (lab/README.md).
#include "sys/link_monitor.h"

#include <gtest/gtest.h>

#include <algorithm>
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

// Long enough to read a queue that is already full (microseconds), with room for a loaded
// machine; a run that reads everything stops no earlier, since there is no last event.
constexpr std::chrono::milliseconds kBurstReadTime{1000};

class LinkMonitorTest : public NetnsTest {};

TEST_F(LinkMonitorTest, CurrentLinksReportsWatchedInterfacesOnly) {
  in_namespace([&] {
    asio::io_context context;
    LinkMonitor monitor(context, {node_side(), InterfaceName("tdm-missing0")}, nullptr, Logger());
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
        Logger([](LogLevel, std::string_view line) { ADD_FAILURE() << "logged: " << line; }));
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
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kDown}, {node_side(), LinkState::kUp}}));
  });
}

TEST_F(LinkMonitorTest, ReportsAnAdministrativeDownOfTheWatchedInterface) {
  in_namespace([&] {
    asio::io_context context;
    std::vector<Report> reports;
    LinkMonitor monitor(
        context, {node_side()},
        [&](InterfaceName interface, LinkState state) {
          reports.emplace_back(std::move(interface), state);
          context.stop();
        },
        Logger());
    ASSERT_TRUE(monitor.start().ok());
    ASSERT_TRUE(netns_.ip("link set sw0 down"));  // not watched: changes only node0's carrier
    ASSERT_TRUE(netns_.ip("link set node0 down"));
    context.run_for(kEventWaitMax);
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kDown}}));
  });
}

// With the smallest queue the kernel allows, a burst of changes read late overflows it
// (ENOBUFS): the monitor says so and reads every link again, so the last state is still
// reported and it goes on hearing later changes.
TEST_F(LinkMonitorTest, ReadsEveryLinkAgainWhenTheKernelDroppedEvents) {
  in_namespace([&] {
    asio::io_context context;
    std::vector<Report> reports;
    std::vector<std::string> lines;
    LinkMonitor monitor(
        context, {node_side()},
        [&](InterfaceName interface, LinkState state) { reports.emplace_back(std::move(interface), state); },
        Logger([&](LogLevel, std::string_view line) { lines.push_back(std::string(line)); }),
        [](const Error& error) { ADD_FAILURE() << "failed: " << error; });
    ASSERT_TRUE(monitor.start(1).ok());  // the kernel rounds 1 up to its minimum
    constexpr int kFlaps = 40;
    for (int flap = 0; flap < kFlaps; ++flap) {
      ASSERT_TRUE(netns_.ip("link set sw0 down"));
      ASSERT_TRUE(netns_.ip("link set sw0 up"));
    }
    ASSERT_TRUE(netns_.ip("link set sw0 down"));  // ends down, after an overflowed queue
    context.run_for(kBurstReadTime);

    ASSERT_FALSE(reports.empty());
    EXPECT_EQ(reports.back(), (Report{node_side(), LinkState::kDown}));
    EXPECT_NE(std::find(lines.begin(), lines.end(), "link monitor: link events were lost; reading every link again"),
              lines.end());

    reports.clear();
    context.restart();
    ASSERT_TRUE(netns_.ip("link set sw0 up"));
    context.run_for(kBurstReadTime);
    EXPECT_EQ(reports, (std::vector<Report>{{node_side(), LinkState::kUp}}));
  });
}

}  // namespace
}  // namespace tandem::sys
