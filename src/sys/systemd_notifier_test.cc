#include "sys/systemd_notifier.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "base/unique_fd.h"

namespace tandem::sys {
namespace {

// A datagram socket standing in for systemd's notify socket.
class NotifySocket : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = "/tmp/tandem-notify-" + std::to_string(getpid());
    ::unlink(path_.c_str());
    socket_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(socket_.is_valid());
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(::bind(socket_.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ::setenv("NOTIFY_SOCKET", path_.c_str(), 1);
  }
  void TearDown() override {
    ::unsetenv("NOTIFY_SOCKET");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("WATCHDOG_PID");
    ::unlink(path_.c_str());
  }
  std::string receive() {
    char buffer[512];
    const auto size = ::recv(socket_.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
    return size > 0 ? std::string(buffer, static_cast<std::size_t>(size)) : std::string();
  }

  std::string path_;
  UniqueFd socket_;
  asio::io_context context_;
};

TEST_F(NotifySocket, ReadyStatusAndStoppingReachSystemd) {
  SystemdNotifier notifier(context_);
  notifier.ready();
  EXPECT_EQ(receive(), "READY=1");
  notifier.status("leader, epoch 3");
  EXPECT_EQ(receive(), "STATUS=leader, epoch 3");
  notifier.stopping();
  EXPECT_EQ(receive(), "STOPPING=1");
}

TEST_F(NotifySocket, WatchdogPingsAtHalfTheIntervalSystemdAsksFor) {
  ::setenv("WATCHDOG_USEC", "40000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  SystemdNotifier notifier(context_);
  notifier.start_watchdog();
  context_.run_for(std::chrono::milliseconds(70));
  EXPECT_EQ(receive(), "WATCHDOG=1");
}

TEST_F(NotifySocket, NoWatchdogWhenSystemdAsksForNone) {
  SystemdNotifier notifier(context_);
  notifier.start_watchdog();
  context_.run_for(std::chrono::milliseconds(30));
  EXPECT_EQ(receive(), "");
}

}  // namespace
}  // namespace tandem::sys
