// helpers/tandem-etcd-lock driven by HelperClusterLock against a real etcd on loopback.
// Needs Debian's etcd-server and etcd-client; skipped without them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <asio.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "sys/child_process.h"
#include "sys/helper_cluster_lock.h"
#include "sys/lock_test_support.h"

namespace tandem::sys {
namespace {

using namespace std::chrono_literals;
using lock_testing::Recorder;
using lock_testing::run_until;
using lock_testing::ScratchDirectory;

constexpr const char* kEtcd = "/usr/bin/etcd";
constexpr const char* kEtcdctl = "/usr/bin/etcdctl";
const std::string kHelper = std::string(TANDEM_SOURCE_DIR) + "/helpers/tandem-etcd-lock";

// A loopback port nobody listens on now (bound to port 0, then closed).
std::uint16_t free_port(asio::io_context& context) {
  asio::ip::tcp::acceptor acceptor(context, {asio::ip::address_v4::loopback(), 0});
  return acceptor.local_endpoint().port();
}

std::string loopback_url(std::uint16_t port) { return "http://127.0.0.1:" + std::to_string(port); }

// One etcd member on loopback, in a scratch data directory; killed (SIGKILL) and reaped when
// destroyed, its directory removed after.
class EtcdServer {
 public:
  explicit EtcdServer(asio::io_context& context) : context_(context) {}

  // Starts it and waits until it serves clients.
  ::testing::AssertionResult start() {
    if (!scratch_.is_valid()) return ::testing::AssertionFailure() << "no scratch directory";
    client_url_ = loopback_url(free_port(context_));
    std::string peer_url = loopback_url(free_port(context_));
    SpawnOptions options;
    // clang-format off
    options.argv = {kEtcd, "--name", "tandem-test", "--data-dir", scratch_.file("data"),
                    "--listen-client-urls", client_url_, "--advertise-client-urls", client_url_,
                    "--listen-peer-urls", peer_url, "--initial-advertise-peer-urls", peer_url,
                    "--initial-cluster", "tandem-test=" + peer_url};
    // clang-format on
    options.capture_stdout = true;
    options.capture_stderr_into_stdout = true;
    options.die_with_parent = true;
    auto child = ChildProcess::spawn(context_, options);
    if (!child) return ::testing::AssertionFailure() << child.error().message();
    process_ = std::make_unique<ChildProcess>(std::move(*child));
    process_->read_output([this](std::string_view chunk) { output_.append(chunk); });
    if (!run_until(
            context_, [this] { return is_ready(); }, 10s)) {
      return ::testing::AssertionFailure() << "etcd did not start:\n" << output_;
    }
    return ::testing::AssertionSuccess();
  }
  void kill() { process_.reset(); }
  const std::string& client_url() const { return client_url_; }

 private:
  bool is_ready() const { return output_.find("ready to serve client requests") != std::string::npos; }

  asio::io_context& context_;
  ScratchDirectory scratch_;  // outlives the process: destroyed after it
  std::unique_ptr<ChildProcess> process_;
  std::string client_url_;
  std::string output_;
};

class EtcdClusterLockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(kEtcd, X_OK) != 0 || ::access(kEtcdctl, X_OK) != 0) {
      GTEST_SKIP() << kEtcd << " or " << kEtcdctl << " is missing: install Debian's etcd-server and etcd-client";
    }
    ASSERT_TRUE(etcd_.start());
  }

  std::unique_ptr<HelperClusterLock> make_lock(Recorder& recorder, std::vector<std::string> options) {
    std::vector<std::string> argv = {kHelper, "--endpoints", etcd_.client_url(), "--wait", "0.5"};
    argv.insert(argv.end(), options.begin(), options.end());
    return std::make_unique<HelperClusterLock>(context_, std::move(argv), recorder.report(), recorder.log(), 5s, 1s);
  }
  LockOutcome acquire(HelperClusterLock& lock, Recorder& recorder) {
    std::size_t before = recorder.outcomes.size();
    lock.try_acquire();
    EXPECT_TRUE(run_until(
        context_, [&] { return recorder.outcomes.size() > before; }, 10s));
    return recorder.outcomes.empty() ? LockOutcome::kLost : recorder.outcomes.back();
  }

  asio::io_context context_;
  EtcdServer etcd_{context_};
};

TEST_F(EtcdClusterLockTest, FirstHolderHoldsSecondIsContendedUntilTheFirstReleases) {
  Recorder first_recorder, second_recorder;
  auto first = make_lock(first_recorder, {"tandem-test"});
  auto second = make_lock(second_recorder, {"tandem-test"});

  ASSERT_EQ(acquire(*first, first_recorder), LockOutcome::kHeld);
  ASSERT_EQ(acquire(*second, second_recorder), LockOutcome::kContended);
  EXPECT_TRUE(second_recorder.logged("contended (status '1')"));

  first->release();
  ASSERT_TRUE(run_until(context_, [&] { return first->helpers_running() == 0; }));
  EXPECT_FALSE(first_recorder.logged("SIGKILL")) << "the helper ends at SIGTERM";
  EXPECT_EQ(acquire(*second, second_recorder), LockOutcome::kHeld);
  EXPECT_EQ(acquire(*first, first_recorder), LockOutcome::kContended);
}

TEST_F(EtcdClusterLockTest, LocksOfDifferentNamesAreIndependent) {
  Recorder first_recorder, second_recorder;
  auto first = make_lock(first_recorder, {"tandem-one"});
  auto second = make_lock(second_recorder, {"tandem-two"});
  EXPECT_EQ(acquire(*first, first_recorder), LockOutcome::kHeld);
  EXPECT_EQ(acquire(*second, second_recorder), LockOutcome::kHeld);
}

TEST_F(EtcdClusterLockTest, AnUnreachableEtcdIsAnErrorAndContended) {
  Recorder recorder;
  std::vector<std::string> argv = {kHelper,  "--endpoints", loopback_url(free_port(context_)),
                                   "--wait", "0.2",         "tandem-test"};
  HelperClusterLock lock(context_, std::move(argv), recorder.report(), recorder.log(), 5s, 1s);
  EXPECT_EQ(acquire(lock, recorder), LockOutcome::kContended);
  EXPECT_TRUE(recorder.logged("failed (status '3')"));
}

TEST_F(EtcdClusterLockTest, LosingEtcdWhileHeldLosesTheLockWithinItsTtl) {
  Recorder recorder;
  auto lock = make_lock(recorder, {"--ttl", "2", "tandem-test"});
  ASSERT_EQ(acquire(*lock, recorder), LockOutcome::kHeld);
  etcd_.kill();
  EXPECT_TRUE(run_until(
      context_, [&] { return recorder.outcomes.size() == 2; }, 10s));
  EXPECT_EQ(recorder.outcomes.back(), LockOutcome::kLost);
}

}  // namespace
}  // namespace tandem::sys
