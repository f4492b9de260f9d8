// ControlServer: the daemon's end of the control socket (docs/design/control-protocol.md).
//
// A Unix stream socket on an Asio event loop the caller owns. One request per connection:
// the client writes one line, the server hands it to the Handler with a Responder, and the
// Responder's one reply line goes back before the connection closes. The server knows
// nothing of what a request means; it enforces the protocol's limits:
//  - only a peer whose SO_PEERCRED uid is the allowed uid (root) is served; anyone else
//    gets a `forbidden` reply before anything is read;
//  - a request is at most kControlRequestMax bytes up to its newline (else `bad_request`),
//    and must arrive within the read deadline (else `bad_request`, then the connection
//    closes); the reply must be written within the same deadline or the connection closes;
//  - at most kControlConnectionsMax connections at once; when a new one comes and all are
//    taken, the oldest connection that has not sent its request line yet is closed to make
//    room (so idle clients cannot starve real ones); only when every connection has a
//    request being answered is the new one closed at once (logged once per burst);
//  - every request is answered within the answer deadline: when the Handler has not
//    replied by then, the client gets a `timeout` reply and a later reply is dropped.
// Server-made replies use the codes `forbidden`, `bad_request`, `timeout` and `internal`.
//
// The socket file: start() refuses a path where another daemon answers, replaces a stale
// socket nobody answers on, refuses to touch anything there that is not a socket, creates
// missing parent directories (0755), and makes the socket mode 0600. The destructor unlinks
// the file, unless another server has replaced it since.
//
// Single-threaded: every call, callback and Responder::reply runs on the io_context's
// thread. The Handler may reply at once or keep the Responder and reply later; it must not
// destroy the server.
#pragma once

#include <sys/types.h>

#include <asio.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/result.h"
#include "sys/logger.h"

namespace tandem::sys {

inline constexpr std::size_t kControlRequestMax = 64 * 1024;  // bytes, without the newline
inline constexpr std::size_t kControlConnectionsMax = 64;
inline constexpr std::chrono::milliseconds kControlReadDeadline{5000};
inline constexpr std::chrono::milliseconds kControlAnswerDeadline{10000};

struct ControlServerOptions {
  uid_t allowed_uid = 0;  // whom SO_PEERCRED must name; tests pass geteuid()
  std::chrono::milliseconds read_deadline = kControlReadDeadline;
  std::chrono::milliseconds answer_deadline = kControlAnswerDeadline;
};

struct ControlConnection;  // one accepted connection; defined in control_server.cc
class ControlServer;

// The right, and the duty, to answer one request. Move-only. reply() may be called at
// once or later; it does nothing when the request was answered already (by the server's
// timeout, say), when the client has gone, or when the server is gone. A Responder
// destroyed (or overwritten) without having replied answers with code `internal`, so a
// request dropped by a bug still gets an answer.
class Responder {
 public:
  Responder() = default;  // answers nothing; for containers
  Responder(Responder&& other) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // `json` is one JSON object on one line (a newline inside is a bug); the server adds
  // the newline that ends it.
  void reply(std::string json);

  // Whether this Responder still owes an answer that someone waits for.
  bool is_waited_for() const;

 private:
  friend class ControlServer;
  explicit Responder(std::weak_ptr<ControlConnection> connection) : connection_(std::move(connection)) {}

  std::weak_ptr<ControlConnection> connection_;
};

class ControlServer {
 public:
  // The request line without its newline (and without a trailing '\r').
  using Handler = std::function<void(std::string request, Responder responder)>;
  // What went wrong or was refused, one line without a prefix.

  ControlServer(asio::io_context& context, std::string path, Handler handler, Logger log,
                ControlServerOptions options = {});
  // Closes every connection (pending Responders then do nothing) and unlinks the socket.
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Creates the socket file and starts accepting. Errors name the path.
  Result<void> start();

  const std::string& path() const { return path_; }

  // Connections open now (for tests and the log).
  std::size_t connection_count() const { return connections_.size(); }

 private:
  friend class Responder;
  using Socket = asio::local::stream_protocol::socket;

  Result<void> clear_stale_socket();
  Result<void> listen();
  void accept_next();
  void on_accepted(Socket socket);
  std::uint64_t oldest_unread() const;
  void read_next(const std::shared_ptr<ControlConnection>& connection);
  void on_read(const std::shared_ptr<ControlConnection>& connection, std::size_t size);
  void hand_over(const std::shared_ptr<ControlConnection>& connection, std::string request);
  void answer(const std::shared_ptr<ControlConnection>& connection, std::string line);
  void close(std::uint64_t id);

  std::string path_;
  Handler handler_;
  Logger log_;
  ControlServerOptions options_;
  asio::local::stream_protocol::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::map<std::uint64_t, std::shared_ptr<ControlConnection>> connections_;
  std::uint64_t next_id_ = 1;
  bool is_refusing_ = false;  // over the connection limit; logged once per burst
  // The socket file this server made (device, inode), so it unlinks only its own.
  bool owns_file_ = false;
  dev_t file_device_ = 0;
  ino_t file_inode_ = 0;
  // Handlers and Responders hold a weak_ptr to this and do nothing once the server is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
