// The probe tools on loopback: no namespace, no root, port 0.
#include "lab/prober.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "base/unique_fd.h"
#include "lab/netns.h"
#include "lab/probe_listener.h"
#include "lab/probe_session.h"

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;

const IpAddress kLoopback = IpAddress::parse("127.0.0.1").value();

ProbeResult result(std::int64_t start, std::optional<std::string> answer) {
  return ProbeResult{kLoopback, std::move(answer), "timeout", start, start + 1};
}

TEST(ChangeFilter, ReportsTheFirstResultAndEveryChangeOfWhoAnswered) {
  ChangeFilter filter;
  EXPECT_TRUE(filter.is_change(result(0, "n0 eth1")));
  EXPECT_FALSE(filter.is_change(result(10, "n0 eth1")));
  EXPECT_TRUE(filter.is_change(result(20, std::nullopt)));
  EXPECT_FALSE(filter.is_change(result(30, std::nullopt)));
  EXPECT_TRUE(filter.is_change(result(40, "n0 eth2")));
}

TEST(ChangeFilter, IgnoresALateResultOfAnOlderAttempt) {
  ChangeFilter filter;
  EXPECT_TRUE(filter.is_change(result(100, "n1 eth1")));
  EXPECT_FALSE(filter.is_change(result(50, std::nullopt)));  // timed out after 100 started
  EXPECT_FALSE(filter.is_change(result(110, "n1 eth1")));
}

TEST(ProbeResultJson, IsOneLineWithNullAndErrorWhenNoOneAnswered) {
  EXPECT_EQ(probe_result_json(ProbeResult{kLoopback, "n1 eth2", "", 5, 7}),
            R"({"t_ms":7,"ip":"127.0.0.1","answer":"n1 eth2","attempt_start_ms":5})");
  EXPECT_EQ(probe_result_json(ProbeResult{kLoopback, std::nullopt, "refused", 5, 6}),
            R"({"t_ms":6,"ip":"127.0.0.1","answer":null,"attempt_start_ms":5,"error":"refused"})");
}

// A listener serving on its own thread for one test.
class ListenerThread {
 public:
  explicit ListenerThread(const std::string& name) {
    auto opened = ProbeListener::open(name, 0);
    EXPECT_TRUE(opened.ok()) << opened.error().message();
    listener_ = std::make_unique<ProbeListener>(std::move(*opened));
    thread_ = std::thread([this] { (void)listener_->serve(stop_); });
  }
  ~ListenerThread() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return listener_->port(); }

 private:
  std::unique_ptr<ProbeListener> listener_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(Prober, GetsTheNodeAndInterfaceFromTheListener) {
  ListenerThread listener("n7");
  Prober prober({kLoopback}, {listener.port(), milliseconds(10), milliseconds(200)});
  std::atomic<bool> stop{false};
  std::vector<ProbeResult> results;
  ASSERT_TRUE(prober
                  .run(stop,
                       [&](const ProbeResult& r) {
                         results.push_back(r);
                         if (results.size() >= 3) stop = true;
                       })
                  .ok());
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    EXPECT_EQ(r.answer, std::optional<std::string>("n7 lo")) << r.error;
    EXPECT_LE(r.attempt_start_ms, r.t_ms);
  }
  EXPECT_GE(results[2].attempt_start_ms - results[0].attempt_start_ms, 15);  // one attempt per interval
}

TEST(Prober, ReportsARefusedConnectionAsNoAnswer) {
  std::uint16_t port = 0;
  {
    ListenerThread closed_soon("n0");  // a port that was free a moment ago
    port = closed_soon.port();
  }
  Prober prober({kLoopback}, {port, milliseconds(10), milliseconds(100)});
  std::atomic<bool> stop{false};
  std::optional<ProbeResult> first;
  ASSERT_TRUE(prober
                  .run(stop,
                       [&](const ProbeResult& r) {
                         first = r;
                         stop = true;
                       })
                  .ok());
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->answer.has_value());
  EXPECT_EQ(first->error, "refused");
}

// A node whose network answers but whose listener does not (a listening socket nobody
// accepts from: the kernel finishes the handshake alone).
TEST(Prober, ReportsAConnectionWithoutALineAsALateAnswerNotATimeout) {
  UniqueFd silent(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(silent.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent.get(), 64), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(silent.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);

  Prober prober({kLoopback}, {ntohs(address.sin_port), milliseconds(10), milliseconds(50)});
  std::atomic<bool> stop{false};
  std::optional<ProbeResult> first;
  ASSERT_TRUE(prober
                  .run(stop,
                       [&](const ProbeResult& r) {
                         first = r;
                         stop = true;
                       })
                  .ok());
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->answer.has_value());
  EXPECT_EQ(first->error, kLateAnswer);
}

TEST(FailoverClock, CountsOnlyAnswersToAttemptsStartedAfterTheFault) {
  ListenerThread listener("n3");
  auto session = ProbeSession::start("", {kLoopback}, {listener.port(), milliseconds(10), milliseconds(100)});
  ASSERT_TRUE(session.ok()) << session.error().message();
  ASSERT_TRUE((*session)->wait_until_stable(milliseconds(50), milliseconds(5000)));
  FailoverClock clock(**session);
  clock.mark_fault();
  auto failover = clock.wait(kLoopback, milliseconds(5000));
  ASSERT_TRUE(failover.ok()) << failover.error().message();
  EXPECT_EQ(failover->answer, "n3 lo");
  EXPECT_GE(failover->attempt_start_ms, clock.fault_ms());
  EXPECT_GE(failover->duration().count(), 0);
  EXPECT_FALSE(clock.wait(kLoopback, milliseconds(50), answer_not_from("n3")).ok());
  EXPECT_EQ((*session)->failures_between(kLoopback, 0, monotonic_ms()), 0);
  EXPECT_EQ((*session)->changes().size(), 1u);
}

}  // namespace
}  // namespace tandem::lab
