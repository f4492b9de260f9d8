// Tickle ACKs as a client sees it: an idle TCP connection to a public IP is reset soon
// after its IP moves, instead of hanging until the client next sends (issue 11).
// 3 nodes x 2 public interfaces x 3 groups; group g<i> is 198.51.100.(10+i)@eth1 and
// 203.0.113.(10+i)@eth2. Every node's namespace runs a small service (HoldingService) that
// answers each connection with its node's name and then holds it open; the client reads
// that line and then stays silent, so only something from the network can end its socket.
//  - After a power loss, the new holder sends a tickle ACK for each connection the old
//    holder listed (sock_diag, every TickleUpdateIntervalMs); the client answers it, the
//    new holder's kernel knows no such connection and resets it. With the lists off
//    (TickleUpdateIntervalMs=0) nothing reaches the client.
//  - A planned move (`tandem movegroup`) ends the group's connections on the old node
//    (SOCK_DESTROY), whose kernel resets them; a new connection reaches the new node.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <future>
#include <iostream>
#include <memory>
#include <thread>

#include "base/unique_fd.h"
#include "lab/arp_watcher.h"
#include "lab/netns.h"
#include "tests/integration/lab_fixture.h"

namespace tandem::integration {
namespace {

constexpr std::uint16_t kHoldPort = 7411;
// The lists reach the peers within TickleUpdateIntervalMs (1000 ms by default).
constexpr milliseconds kListsSpread{2500};
// Generous: a power loss moves a group in about 1 s, a movegroup's hooks take less.
constexpr milliseconds kResetLimit{3000};
constexpr milliseconds kConnectLimit{2000};

// In every node's namespace: accepts on 0.0.0.0:kHoldPort, answers "NODE\n" and holds the
// connection open until stopped.
class HoldingService {
 public:
  HoldingService() = default;
  HoldingService(const HoldingService&) = delete;
  HoldingService& operator=(const HoldingService&) = delete;
  ~HoldingService() { stop(); }

  // Starts one thread per node; an error names the node whose listener could not start.
  Result<void> start(const std::vector<lab::PlannedNode>& nodes) {
    for (const auto& node : nodes) {
      auto ready = std::make_shared<std::promise<Result<void>>>();
      auto started = ready->get_future();
      threads_.emplace_back([this, node, ready] { serve(node.netns, node.name, *ready); });
      auto result = started.get();
      if (!result) return result;
    }
    return success();
  }

  void stop() {
    stop_ = true;
    for (auto& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  void serve(const std::string& netns, const std::string& name, std::promise<Result<void>>& ready) {
    if (auto entered = lab::enter_netns(netns); !entered) {
      ready.set_value(fail(entered.error()));
      return;
    }
    UniqueFd listening(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    int yes = 1;
    ::setsockopt(listening.get(), SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in any{};
    any.sin_family = AF_INET;
    any.sin_port = htons(kHoldPort);
    if (::bind(listening.get(), reinterpret_cast<const sockaddr*>(&any), sizeof any) != 0 ||
        ::listen(listening.get(), 64) != 0) {
      ready.set_value(fail(name, std::string("cannot listen on port 7411: ") + std::strerror(errno)));
      return;
    }
    ready.set_value(success());
    std::vector<UniqueFd> held;  // every connection stays open until the service stops
    const std::string line = name + "\n";
    while (!stop_) {
      pollfd fd{listening.get(), POLLIN, 0};
      if (::poll(&fd, 1, 100) <= 0) continue;
      UniqueFd connection(::accept4(listening.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!connection.is_valid()) continue;
      (void)::send(connection.get(), line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      held.push_back(std::move(connection));
    }
  }

  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

// A client connection made in the client's namespace, kept idle: it never sends.
struct IdleConnection {
  UniqueFd fd;
  std::string node;  // who answered
};

Result<IdleConnection> connect_from_client(const std::string& client_netns, const IpAddress& address) {
  Result<IdleConnection> made = fail("client", "did not run");
  auto ran = lab::run_in_netns(client_netns, [&] {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in server{};
    server.sin_family = AF_INET;
    server.sin_port = htons(kHoldPort);
    ::inet_pton(AF_INET, address.to_string().c_str(), &server.sin_addr);
    timeval limit{2, 0};
    ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0) {
      made = fail(address.to_string(), std::string("connect: ") + std::strerror(errno));
      return;
    }
    std::string line;
    char c = 0;
    while (::recv(fd.get(), &c, 1, 0) == 1 && c != '\n') line += c;
    if (line.empty()) {
      made = fail(address.to_string(), "no line from the holding service");
      return;
    }
    made = IdleConnection{std::move(fd), line};
  });
  if (!ran) return fail(ran.error());
  return made;
}

// Waits up to `limit` for the connection to end; when (lab::monotonic_ms()) and how
// ("ECONNRESET"), or nullopt while it is still open.
struct Ending {
  std::int64_t t_ms = 0;
  std::string how;
};

std::optional<Ending> wait_for_end(const IdleConnection& connection, milliseconds limit) {
  pollfd fd{connection.fd.get(), POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(limit.count())) <= 0) return std::nullopt;
  Ending ending{lab::monotonic_ms(), ""};
  char c = 0;
  const ssize_t got = ::recv(connection.fd.get(), &c, 1, MSG_DONTWAIT);
  if (got < 0) ending.how = errno == ECONNRESET ? "ECONNRESET" : std::strerror(errno);
  if (got == 0) ending.how = "FIN";
  if (got > 0) ending.how = "data";
  return ending;
}

class TickleAcks : public WatchedLabTest {
 protected:
  void TearDown() override {
    service_.stop();
    WatchedLabTest::TearDown();
  }

  // The lab with `tunables`, the holding service on every node, the ARP watcher, and an
  // idle connection to g0's first IP.
  void bring_up_with_connection(const std::vector<std::pair<std::string, std::string>>& tunables) {
    lab::LabOptions options = lab_options();
    options.tunables = tunables;
    ASSERT_NO_FATAL_FAILURE(bring_up(options));
    auto started = service_.start(plan().nodes);
    ASSERT_TRUE(started.ok()) << started.error().message();
    ASSERT_NO_FATAL_FAILURE(start_watcher());
    holder_ = groups_from_client().at("g0");
    auto made = connect_from_client(plan().client_netns, ip("198.51.100.10"));
    ASSERT_TRUE(made.ok()) << made.error().message();
    ASSERT_EQ(made->node, holder_);
    connection_ = std::move(*made);
  }

  // When `node` first announced an IP of g0 at or after `since_ms`, as the wire shows.
  std::optional<std::int64_t> first_announcement_ms(const std::string& node, std::int64_t since_ms) const {
    const auto g0 = group_ips("g0");
    for (const auto& seen : watcher_->announcements()) {
      const bool is_g0 = std::find(g0.begin(), g0.end(), seen.address) != g0.end();
      if (is_g0 && seen.owner == node && seen.t_ms >= since_ms) return seen.t_ms;
    }
    return std::nullopt;
  }

  HoldingService service_;
  std::string holder_;
  IdleConnection connection_;
};

TEST_F(TickleAcks, AfterAPowerLossTheNewHolderResetsAnIdleClientConnection) {
  ASSERT_NO_FATAL_FAILURE(bring_up_with_connection({}));
  std::this_thread::sleep_for(kListsSpread);

  const std::int64_t fault_ms = lab::monotonic_ms();
  ASSERT_TRUE(lab().crash(holder_).ok());
  auto ended = wait_for_end(connection_, kResetLimit);
  ASSERT_TRUE(ended) << "the idle connection to g0 was still open " << kResetLimit.count() << " ms after " << holder_
                     << " lost power";
  EXPECT_EQ(ended->how, "ECONNRESET");
  auto places =
      wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, holder_); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  const std::string new_node = places->at("g0");
  const auto announced = first_announcement_ms(new_node, fault_ms);
  ASSERT_TRUE(announced) << "no announcement of g0 by " << new_node;
  std::cout << "[ INFO     ] reset " << (ended->t_ms - fault_ms) << " ms after the power loss, "
            << (ended->t_ms - *announced) << " ms after " << new_node << " first announced g0\n";
}

TEST_F(TickleAcks, WithoutTickleListsAnIdleClientConnectionSurvivesAPowerLoss) {
  ASSERT_NO_FATAL_FAILURE(bring_up_with_connection({{"TickleUpdateIntervalMs", "0"}}));
  std::this_thread::sleep_for(kListsSpread);

  ASSERT_TRUE(lab().crash(holder_).ok());
  auto places =
      wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return all_whole_and_none_on(p, holder_); });
  ASSERT_TRUE(places) << "groups: " << places_text(groups_from_client());
  auto ended = wait_for_end(connection_, kResetLimit);
  EXPECT_FALSE(ended) << "the idle connection ended (" << ended->how << ") with no tickle lists";
}

TEST_F(TickleAcks, AMovegroupResetsTheGroupsConnectionsAndANewConnectionReachesTheNewNode) {
  ASSERT_NO_FATAL_FAILURE(bring_up_with_connection({}));
  std::string target;
  for (const auto& node : nodes_but(holder_)) {
    if (target.empty()) target = node;
  }
  const std::int64_t move_ms = lab::monotonic_ms();
  const ToolOutput moved = tandem(holder_, {"movegroup", "g0", pnn_of(target)});
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  auto ended = wait_for_end(connection_, kResetLimit);
  ASSERT_TRUE(ended) << "the idle connection to g0 was still open " << kResetLimit.count() << " ms after movegroup to "
                     << target;
  EXPECT_EQ(ended->how, "ECONNRESET");
  std::cout << "[ INFO     ] reset " << (ended->t_ms - move_ms) << " ms after `tandem movegroup` started\n";

  ASSERT_TRUE(wait_for_groups(kNodeMoveLimit, [&](const GroupPlaces& p) { return p.at("g0") == target; }))
      << "groups: " << places_text(groups_from_client());
  auto again = connect_from_client(plan().client_netns, ip("198.51.100.10"));
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(again->node, target);
}

}  // namespace
}  // namespace tandem::integration
