#include "lab/prober.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "base/unique_fd.h"
#include "lab/netns.h"

namespace tandem::lab {
namespace {

constexpr std::size_t kAnswerSizeMax = 256;
constexpr int kEventsMax = 64;
constexpr std::int64_t kStopCheckMs = 50;  // `stop` is looked at least this often

std::string error_name(int error) {
  switch (error) {
    case ECONNREFUSED:
      return "refused";
    case ENETUNREACH:
    case EHOSTUNREACH:
      return "unreachable";
    case ETIMEDOUT:
      return "timeout";
    default:
      return std::strerror(error);
  }
}

socklen_t socket_address(const IpAddress& address, std::uint16_t port, sockaddr_storage& storage) {
  std::memset(&storage, 0, sizeof storage);
  if (address.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    std::memcpy(&v4->sin_addr, address.bytes().data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(port);
  std::memcpy(&v6->sin6_addr, address.bytes().data(), 16);
  return sizeof(sockaddr_in6);
}

// One run of the prober: the attempts in flight, by socket.
class ProbeRun {
 public:
  ProbeRun(const std::vector<IpAddress>& addresses, const ProbeOptions& options, UniqueFd epoll,
           const std::function<void(const ProbeResult&)>& on_result)
      : addresses_(addresses), options_(options), epoll_(std::move(epoll)), on_result_(on_result) {}

  void loop(const std::atomic<bool>& stop) {
    std::int64_t next_start = monotonic_ms();
    std::array<epoll_event, kEventsMax> events{};
    while (!stop.load()) {
      std::int64_t now = monotonic_ms();
      if (now >= next_start) {
        for (std::size_t i = 0; i < addresses_.size(); ++i) start(i, now);
        next_start += options_.interval.count();
        if (next_start <= now) next_start = now + options_.interval.count();
      }
      expire(now);
      std::int64_t wait = std::min({next_start - now, earliest_deadline() - now, kStopCheckMs});
      int count =
          ::epoll_wait(epoll_.get(), events.data(), kEventsMax, static_cast<int>(std::max<std::int64_t>(wait, 0)));
      for (int i = 0; i < count; ++i)
        handle(events[static_cast<std::size_t>(i)].data.fd, events[static_cast<std::size_t>(i)].events);
    }
  }

 private:
  struct Attempt {
    std::size_t address = 0;
    std::int64_t start_ms = 0;
    UniqueFd fd;
    bool is_connected = false;
    std::string buffer;
  };

  void start(std::size_t index, std::int64_t now) {
    const IpAddress& address = addresses_[index];
    UniqueFd fd(::socket(address.is_v4() ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.is_valid()) return report(index, now, std::nullopt, error_name(errno));
    sockaddr_storage storage{};
    socklen_t length = socket_address(address, options_.port, storage);
    bool is_connected = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) == 0;
    if (!is_connected && errno != EINPROGRESS) return report(index, now, std::nullopt, error_name(errno));
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP | (is_connected ? 0u : static_cast<std::uint32_t>(EPOLLOUT));
    event.data.fd = fd.get();
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd.get(), &event) != 0) {
      return report(index, now, std::nullopt, error_name(errno));
    }
    int key = fd.get();
    attempts_.emplace(key, Attempt{index, now, std::move(fd), is_connected, {}});
  }

  void handle(int fd, std::uint32_t events) {
    auto found = attempts_.find(fd);
    if (found == attempts_.end()) return;
    Attempt& attempt = found->second;
    if (!attempt.is_connected) {
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) return finish(found, std::nullopt, error_name(error));
      if ((events & (EPOLLOUT | EPOLLIN)) == 0) return;
      attempt.is_connected = true;
      epoll_event event{};
      event.events = EPOLLIN | EPOLLRDHUP;
      event.data.fd = fd;
      ::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &event);
    }
    read_answer(found);
  }

  void read_answer(std::unordered_map<int, Attempt>::iterator found) {
    Attempt& attempt = found->second;
    std::array<char, kAnswerSizeMax> buffer{};
    while (true) {
      ssize_t count = ::read(found->first, buffer.data(), buffer.size());
      if (count > 0) {
        attempt.buffer.append(buffer.data(), static_cast<std::size_t>(count));
        auto newline = attempt.buffer.find('\n');
        if (newline != std::string::npos) return finish(found, attempt.buffer.substr(0, newline), "");
        if (attempt.buffer.size() > kAnswerSizeMax) return finish(found, std::nullopt, "answer too long");
        continue;
      }
      if (count == 0) {
        if (attempt.buffer.empty()) return finish(found, std::nullopt, "closed");
        return finish(found, attempt.buffer, "");
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      if (errno != EINTR) return finish(found, std::nullopt, error_name(errno));
    }
  }

  void expire(std::int64_t now) {
    for (auto it = attempts_.begin(); it != attempts_.end();) {
      auto next = std::next(it);
      if (it->second.start_ms + options_.timeout.count() <= now) {
        finish(it, std::nullopt, is_established(it->second) ? kLateAnswer : "timeout");
      }
      it = next;
    }
  }

  // Whether the attempt's handshake finished: the network path worked, whatever the
  // listener did. Asked of the kernel, as this thread may not have seen the event yet.
  static bool is_established(const Attempt& attempt) {
    if (attempt.is_connected) return true;
    tcp_info info{};
    socklen_t length = sizeof info;
    if (::getsockopt(attempt.fd.get(), IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return false;
    return info.tcpi_state != TCP_SYN_SENT && info.tcpi_state != TCP_CLOSE;
  }

  std::int64_t earliest_deadline() const {
    std::int64_t earliest = monotonic_ms() + kStopCheckMs;
    for (const auto& [fd, attempt] : attempts_) {
      earliest = std::min(earliest, attempt.start_ms + options_.timeout.count());
    }
    return earliest;
  }

  void finish(std::unordered_map<int, Attempt>::iterator found, std::optional<std::string> answer,
              const std::string& error) {
    std::size_t index = found->second.address;
    std::int64_t start_ms = found->second.start_ms;
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, found->first, nullptr);
    attempts_.erase(found);  // closes the socket
    report(index, start_ms, std::move(answer), error);
  }

  void report(std::size_t index, std::int64_t start_ms, std::optional<std::string> answer, const std::string& error) {
    on_result_(ProbeResult{addresses_[index], std::move(answer), error, start_ms, monotonic_ms()});
  }

  const std::vector<IpAddress>& addresses_;
  const ProbeOptions& options_;
  UniqueFd epoll_;
  const std::function<void(const ProbeResult&)>& on_result_;
  std::unordered_map<int, Attempt> attempts_;
};

}  // namespace

std::string probe_result_json(const ProbeResult& result) {
  nlohmann::ordered_json line;
  line["t_ms"] = result.t_ms;
  line["ip"] = result.address.to_string();
  line["answer"] = result.answer ? nlohmann::ordered_json(*result.answer) : nlohmann::ordered_json(nullptr);
  line["attempt_start_ms"] = result.attempt_start_ms;
  if (!result.answer) line["error"] = result.error;
  return line.dump();
}

bool ChangeFilter::is_change(const ProbeResult& result) {
  auto [it, is_new] = last_.try_emplace(result.address);
  Last& last = it->second;
  if (!is_new && result.attempt_start_ms <= last.attempt_start_ms) return false;
  last.attempt_start_ms = result.attempt_start_ms;
  std::string outcome = result.outcome();
  if (!is_new && outcome == last.outcome) return false;
  last.outcome = std::move(outcome);
  return true;
}

Prober::Prober(std::vector<IpAddress> addresses, ProbeOptions options)
    : addresses_(std::move(addresses)), options_(options) {}

Result<void> Prober::run(const std::atomic<bool>& stop,
                         const std::function<void(const ProbeResult&)>& on_result) const {
  UniqueFd epoll(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll.is_valid()) return fail("prober", std::string("cannot make an epoll instance: ") + std::strerror(errno));
  ProbeRun run(addresses_, options_, std::move(epoll), on_result);
  run.loop(stop);
  return success();
}

}  // namespace tandem::lab
