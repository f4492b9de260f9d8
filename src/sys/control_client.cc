#include "sys/control_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include "base/unique_fd.h"

namespace tandem::sys {
namespace {

using Clock = std::chrono::steady_clock;

Answer failed(AskFailure failure, const std::string& path, std::string cause) {
  return Answer{failure, "", Error{path, std::move(cause)}};
}

Answer timed_out(const std::string& path, std::chrono::milliseconds timeout) {
  return failed(AskFailure::kTimeout, path, "no answer within " + std::to_string(timeout.count()) + " ms");
}

// Milliseconds left before `deadline`, for poll(); 0 once it has passed.
int left_ms(Clock::time_point deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 1 << 30));
}

// Waits until `fd` is ready for `events`; false when the deadline passed first.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd entry{fd, events, 0};
    const int ready = ::poll(&entry, 1, left_ms(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return true;  // the next read or write reports the error
  }
}

Answer no_daemon(const std::string& path, int error) {
  switch (error) {
    case ENOENT:
    case ENOTDIR:
      return failed(AskFailure::kNoDaemon, path, "no such socket: is tandemd running?");
    case ECONNREFUSED:
      return failed(AskFailure::kNoDaemon, path, "nobody listens on the socket: is tandemd running?");
    case EACCES:
    case EPERM:
      return failed(AskFailure::kNoDaemon, path, "permission denied: only root may use the control socket");
    default:
      return failed(AskFailure::kFailed, path, std::string("cannot connect: ") + std::strerror(error));
  }
}

// Connects `fd` (non-blocking) to `path`. A full listen backlog answers EAGAIN and cannot be
// polled for on a Unix socket: retry briefly until the deadline.
Answer connect_to(int fd, const std::string& path, Clock::time_point deadline, std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  for (;;) {
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) return Answer{};
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return no_daemon(path, errno);
    if (Clock::now() >= deadline) return timed_out(path, timeout);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

// Writes the whole request. A daemon that refuses us (forbidden, too long) may close its
// end before we have written everything: then its reply is still there to read.
Answer send_request(int fd, const std::string& path, std::string_view data, Clock::time_point deadline,
                    std::chrono::milliseconds timeout) {
  while (!data.empty()) {
    const ssize_t written = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (written >= 0) {
      data.remove_prefix(static_cast<std::size_t>(written));
    } else if (errno == EPIPE || errno == ECONNRESET) {
      return Answer{};
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd, POLLOUT, deadline)) return timed_out(path, timeout);
    } else {
      return failed(AskFailure::kFailed, path, std::string("cannot send the request: ") + std::strerror(errno));
    }
  }
  return Answer{};
}

Answer read_reply(int fd, const std::string& path, Clock::time_point deadline, std::chrono::milliseconds timeout) {
  std::string reply;
  std::array<char, std::size_t{64} * 1024> buffer;
  for (;;) {
    const ssize_t count = ::read(fd, buffer.data(), buffer.size());
    if (count > 0) {
      reply.append(buffer.data(), static_cast<std::size_t>(count));
      const auto newline = reply.find('\n', reply.size() - static_cast<std::size_t>(count));
      if (newline != std::string::npos) {
        reply.resize(newline);
        return Answer{AskFailure::kNone, std::move(reply), {}};
      }
      if (reply.size() > kControlReplyMax) return failed(AskFailure::kFailed, path, "the reply is too long");
    } else if (count == 0 || errno == ECONNRESET) {
      if (!reply.empty()) return Answer{AskFailure::kNone, std::move(reply), {}};
      return failed(AskFailure::kFailed, path, "the daemon closed the connection without answering");
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!wait_for(fd, POLLIN, deadline)) return timed_out(path, timeout);
    } else {
      return failed(AskFailure::kFailed, path, std::string("cannot read the reply: ") + std::strerror(errno));
    }
  }
}

}  // namespace

Answer ask(const std::string& path, std::string_view request_line, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  if (path.empty()) return failed(AskFailure::kNoDaemon, "control socket", "no path given");
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    return failed(AskFailure::kNoDaemon, path,
                  "longer than the " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                      " bytes a Unix socket's path may have");
  }
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.is_valid()) return failed(AskFailure::kFailed, path, std::string("socket: ") + std::strerror(errno));
  if (Answer connected = connect_to(fd.get(), path, deadline, timeout); !connected.ok()) return connected;
  std::string line(request_line);
  line += '\n';
  if (Answer sent = send_request(fd.get(), path, line, deadline, timeout); !sent.ok()) return sent;
  return read_reply(fd.get(), path, deadline, timeout);
}

}  // namespace tandem::sys
