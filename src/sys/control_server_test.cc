// ControlServer and ask() on a real Unix socket in a private temporary directory. The
// server's loop runs on the test's thread, driven until the expected outcome (bounded by
// kLimit); the blocking client runs on a second thread. Deadlines are made short instead
// of slept through.
#include "sys/control_server.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "sys/control_client.h"

namespace tandem::sys {
namespace {

using namespace std::chrono_literals;

constexpr auto kLimit = 3s;

class ControlServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "tandem-ctl-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    directory_ = pattern;
    path_ = directory_ + "/run/tandemd.sock";
  }

  void TearDown() override {
    server_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(directory_, ignored);
  }

  // A server on path_ whose handler keeps every request and Responder, and answers at once
  // when `echo` is set.
  std::unique_ptr<ControlServer> make_server(ControlServerOptions options = own_uid(), bool echo = true) {
    return std::make_unique<ControlServer>(
        context_, path_,
        [this, echo](std::string request, Responder responder) {
          requests_.push_back(request);
          if (echo) {
            responder.reply(R"({"ok":true,"result":{"echo":)" + std::to_string(request.size()) + "}}");
          } else {
            responders_.push_back(std::move(responder));
          }
        },
        Logger([this](LogLevel, std::string_view line) { logs_.push_back(std::string(line)); }), options);
  }

  static ControlServerOptions own_uid() {
    ControlServerOptions options;
    options.allowed_uid = ::geteuid();
    return options;
  }

  void start_server(ControlServerOptions options = own_uid(), bool echo = true) {
    server_ = make_server(options, echo);
    auto started = server_->start();
    ASSERT_TRUE(started.ok()) << started.error();
  }

  bool run_until(const std::function<bool()>& done) {
    const auto limit = std::chrono::steady_clock::now() + kLimit;
    while (!done()) {
      if (std::chrono::steady_clock::now() > limit) return false;
      context_.run_for(2ms);
    }
    return true;
  }

  // Asks on another thread while this one runs the server's loop.
  Answer ask_and_serve(const std::string& request, std::chrono::milliseconds timeout = 2s) {
    auto answer = std::async(std::launch::async, [this, request, timeout] { return ask(path_, request, timeout); });
    EXPECT_TRUE(run_until([&] { return answer.wait_for(0s) == std::future_status::ready; }));
    return answer.get();
  }

  bool logged(const std::string& words) const {
    for (const auto& line : logs_) {
      if (line.find(words) != std::string::npos) return true;
    }
    return false;
  }

  asio::io_context context_;
  std::string directory_;
  std::string path_;
  std::unique_ptr<ControlServer> server_;
  std::vector<std::string> requests_;
  std::vector<Responder> responders_;
  std::vector<std::string> logs_;
};

// A connected raw client, for what ask() never does (sending nothing, holding on).
UniqueFd connect_raw(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  EXPECT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  return fd;
}

TEST_F(ControlServerTest, AnswersOneRequestLine) {
  start_server();
  const Answer answer = ask_and_serve(R"({"command":"status"})");
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":true,"result":{"echo":20}})");
  ASSERT_EQ(requests_.size(), 1u);
  EXPECT_EQ(requests_[0], R"({"command":"status"})");
  EXPECT_TRUE(run_until([&] { return server_->connection_count() == 0; }));
}

TEST_F(ControlServerTest, SendsAReplyGivenLater) {
  start_server(own_uid(), /*echo=*/false);
  auto answer = std::async(std::launch::async, [this] { return ask(path_, R"({"command":"ipreallocate"})", 2s); });
  ASSERT_TRUE(run_until([&] { return responders_.size() == 1; }));
  context_.run_for(5ms);
  EXPECT_EQ(answer.wait_for(0s), std::future_status::timeout);
  responders_[0].reply(R"({"ok":true,"result":{"message":"done"}})");
  EXPECT_FALSE(responders_[0].is_waited_for());
  ASSERT_TRUE(run_until([&] { return answer.wait_for(0s) == std::future_status::ready; }));
  const Answer got = answer.get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.reply, R"({"ok":true,"result":{"message":"done"}})");
}

TEST_F(ControlServerTest, AnswersTimeoutWhenTheHandlerDoesNotReplyInTime) {
  auto options = own_uid();
  options.answer_deadline = 20ms;
  start_server(options, /*echo=*/false);
  const Answer answer = ask_and_serve(R"({"command":"status"})");
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":false,"code":"timeout","error":"no answer within 20 ms"})");
  ASSERT_EQ(responders_.size(), 1u);
  EXPECT_FALSE(responders_[0].is_waited_for());
  responders_[0].reply(R"({"ok":true,"result":{}})");  // too late: dropped
  EXPECT_TRUE(run_until([&] { return server_->connection_count() == 0; }));
}

TEST_F(ControlServerTest, AnswersInternalErrorForADroppedResponder) {
  start_server(own_uid(), /*echo=*/false);
  auto answer = std::async(std::launch::async, [this] { return ask(path_, "{}", 2s); });
  ASSERT_TRUE(run_until([&] { return responders_.size() == 1; }));
  responders_.clear();
  ASSERT_TRUE(run_until([&] { return answer.wait_for(0s) == std::future_status::ready; }));
  const Answer got = answer.get();
  ASSERT_TRUE(got.ok()) << got.error;
  EXPECT_EQ(got.reply, R"({"ok":false,"code":"internal","error":"the daemon dropped the request without answering"})");
}

TEST_F(ControlServerTest, RefusesARequestLongerThanTheLimit) {
  start_server();
  const Answer answer = ask_and_serve(std::string(kControlRequestMax + 1, 'x'));
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":false,"code":"bad_request","error":"the request is longer than 65536 bytes"})");
  EXPECT_TRUE(requests_.empty());
}

TEST_F(ControlServerTest, AcceptsARequestExactlyAtTheLimit) {
  start_server();
  const Answer answer = ask_and_serve(std::string(kControlRequestMax, 'x'));
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":true,"result":{"echo":65536}})");
}

TEST_F(ControlServerTest, RefusesAnotherUserBeforeReading) {
  auto options = own_uid();
  options.allowed_uid = ::geteuid() + 1;
  start_server(options);
  const Answer answer = ask_and_serve(R"({"command":"disable"})");
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":false,"code":"forbidden","error":"only uid )" + std::to_string(::geteuid() + 1) +
                              R"( may use the control socket"})");
  EXPECT_TRUE(requests_.empty());
  EXPECT_TRUE(logged("refused uid " + std::to_string(::geteuid())));
}

TEST_F(ControlServerTest, AnswersBadRequestWhenNoRequestArrivesInTime) {
  auto options = own_uid();
  options.read_deadline = 20ms;
  start_server(options);
  UniqueFd client = connect_raw(path_);
  ASSERT_TRUE(run_until([&] { return server_->connection_count() == 1; }));
  ASSERT_TRUE(run_until([&] { return server_->connection_count() == 0; }));
  char reply[256] = {};
  const ssize_t count = ::read(client.get(), reply, sizeof(reply) - 1);
  EXPECT_EQ(std::string(reply, count > 0 ? static_cast<std::size_t>(count) : 0),
            "{\"ok\":false,\"code\":\"bad_request\",\"error\":\"no request line within 20 ms\"}\n");
}

TEST_F(ControlServerTest, HandsOverALastLineWithoutNewline) {
  start_server();
  UniqueFd client = connect_raw(path_);
  ASSERT_EQ(::write(client.get(), "{}", 2), 2);
  ::shutdown(client.get(), SHUT_WR);
  ASSERT_TRUE(run_until([&] { return requests_.size() == 1; }));
  EXPECT_EQ(requests_[0], "{}");
}

// Clients that connect and send nothing (40 of them once starved every request for the
// whole read deadline) give way to a newcomer, oldest first.
TEST_F(ControlServerTest, AnswersANewClientWhileIdleClientsTakeEveryConnection) {
  auto options = own_uid();
  options.read_deadline = std::chrono::hours(1);
  start_server(options);
  std::vector<UniqueFd> idle;
  for (std::size_t i = 0; i < kControlConnectionsMax + 8; ++i) idle.push_back(connect_raw(path_));
  ASSERT_TRUE(run_until([&] { return logged("closing the oldest connections that sent no request"); }));
  ASSERT_TRUE(run_until([&] { return server_->connection_count() == kControlConnectionsMax; }));
  const Answer answer = ask_and_serve(R"({"command":"status"})");
  ASSERT_TRUE(answer.ok()) << answer.error;
  EXPECT_EQ(answer.reply, R"({"ok":true,"result":{"echo":20}})");
}

TEST_F(ControlServerTest, ClosesConnectionsBeyondTheLimitWhenEachHasARequest) {
  start_server(own_uid(), /*echo=*/false);
  std::vector<UniqueFd> waiting;
  for (std::size_t i = 0; i < kControlConnectionsMax; ++i) {
    waiting.push_back(connect_raw(path_));
    ASSERT_EQ(::write(waiting.back().get(), "{}\n", 3), 3);
  }
  ASSERT_TRUE(run_until([&] { return requests_.size() == kControlConnectionsMax; }));
  const Answer answer = ask_and_serve("{}");
  EXPECT_EQ(answer.failure, AskFailure::kFailed);
  EXPECT_EQ(answer.error.cause, "the daemon closed the connection without answering");
  EXPECT_TRUE(logged("closing new connections: already 64 open"));
  responders_.pop_back();  // answered `internal`: its connection closes
  ASSERT_TRUE(run_until([&] { return server_->connection_count() < kControlConnectionsMax; }));
  auto later = std::async(std::launch::async, [this] { return ask(path_, "{}", 2s); });
  ASSERT_TRUE(run_until([&] { return requests_.size() == kControlConnectionsMax + 1; }));
  responders_.back().reply(R"({"ok":true,"result":{}})");
  ASSERT_TRUE(run_until([&] { return later.wait_for(0s) == std::future_status::ready; }));
  EXPECT_TRUE(later.get().ok());
}

TEST_F(ControlServerTest, MakesTheSocketOnlyForItsOwnerInANewDirectory) {
  start_server();
  struct stat socket_status {};
  ASSERT_EQ(::stat(path_.c_str(), &socket_status), 0);
  EXPECT_TRUE(S_ISSOCK(socket_status.st_mode));
  EXPECT_EQ(socket_status.st_mode & 0777, 0600u);
  struct stat directory_status {};
  ASSERT_EQ(::stat((directory_ + "/run").c_str(), &directory_status), 0);
  EXPECT_EQ(directory_status.st_mode & 0777, 0755u);
}

TEST_F(ControlServerTest, RemovesItsSocketWhenDestroyed) {
  start_server();
  server_.reset();
  EXPECT_FALSE(std::filesystem::exists(path_));
  const Answer answer = ask(path_, "{}", 100ms);
  EXPECT_EQ(answer.failure, AskFailure::kNoDaemon);
  EXPECT_EQ(answer.error.message(), path_ + ": no such socket: is tandemd running?");
}

TEST_F(ControlServerTest, ReplacesAStaleSocketNobodyAnswersOn) {
  std::filesystem::create_directories(directory_ + "/run");
  {
    UniqueFd stale(::socket(AF_UNIX, SOCK_STREAM, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path_.data(), path_.size());
    ASSERT_EQ(::bind(stale.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
  }  // closed without unlinking: what a killed daemon leaves behind
  const Answer before = ask(path_, "{}", 100ms);
  EXPECT_EQ(before.failure, AskFailure::kNoDaemon);
  EXPECT_EQ(before.error.cause, "nobody listens on the socket: is tandemd running?");
  start_server();
  EXPECT_TRUE(logged("removed the stale socket"));
  EXPECT_TRUE(ask_and_serve("{}").ok());
}

TEST_F(ControlServerTest, RefusesToStartWhereAnotherServerListens) {
  start_server();
  auto second = make_server();
  auto started = second->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message(), path_ + ": another daemon is listening on this socket");
  second.reset();  // must not remove the first server's socket
  EXPECT_TRUE(ask_and_serve("{}").ok());
}

TEST_F(ControlServerTest, RefusesToReplaceAFileThatIsNotASocket) {
  std::filesystem::create_directories(directory_ + "/run");
  std::ofstream(path_) << "keep me\n";
  auto server = make_server();
  auto started = server->start();
  ASSERT_FALSE(started.ok());
  EXPECT_EQ(started.error().message(), path_ + ": exists and is not a socket; remove it or choose another path");
  server.reset();
  EXPECT_TRUE(std::filesystem::is_regular_file(path_));
}

TEST_F(ControlServerTest, ClientTimesOutWhenNoReplyComes) {
  start_server(own_uid(), /*echo=*/false);
  const Answer answer = ask_and_serve("{}", 30ms);
  EXPECT_EQ(answer.failure, AskFailure::kTimeout);
  EXPECT_EQ(answer.error.message(), path_ + ": no answer within 30 ms");
}

TEST(ControlClient, SaysNoDaemonForAPathTooLongForASocket) {
  const Answer answer = ask("/tmp/" + std::string(200, 'x'), "{}", 100ms);
  EXPECT_EQ(answer.failure, AskFailure::kNoDaemon);
}

}  // namespace
}  // namespace tandem::sys
