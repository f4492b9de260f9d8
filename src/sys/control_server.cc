#include "sys/control_server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "base/check.h"
#include "base/unique_fd.h"

namespace tandem::sys {

// One accepted connection. Handlers and the Responder share it, so its buffers outlive
// every operation on it; `server` is used only while `server_alive` holds.
struct ControlConnection {
  ControlConnection(asio::local::stream_protocol::socket accepted, std::uint64_t number, ControlServer* owner,
                    std::weak_ptr<char> alive)
      : socket(std::move(accepted)),
        id(number),
        server(owner),
        server_alive(std::move(alive)),
        read_timer(socket.get_executor()),
        answer_timer(socket.get_executor()),
        write_timer(socket.get_executor()) {}

  asio::local::stream_protocol::socket socket;
  std::uint64_t id;
  ControlServer* server;
  std::weak_ptr<char> server_alive;
  asio::steady_timer read_timer;    // the request must arrive before it fires
  asio::steady_timer answer_timer;  // the Handler must reply before it fires
  asio::steady_timer write_timer;   // the client must take the reply before it fires
  std::string request;              // read so far
  std::array<char, 4096> buffer{};
  std::string reply;            // being written, with its newline
  bool is_handed_over = false;  // the Handler has the request
  bool is_answered = false;     // a reply is written or being written
};

namespace {

// A JSON string's contents: the few messages the server makes itself are plain text.
std::string json_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string error_reply(std::string_view code, std::string_view message) {
  return R"({"ok":false,"code":")" + std::string(code) + R"(","error":")" + json_escaped(message) + R"("})";
}

std::string seconds_text(std::chrono::milliseconds duration) {
  const auto count = duration.count();
  if (count % 1000 == 0) return std::to_string(count / 1000) + " s";
  return std::to_string(count) + " ms";
}

std::string errno_text(int error) { return std::strerror(error); }

// Makes every missing directory above `path`, each 0755 whatever the umask.
Result<void> make_parent_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    const std::string directory = path.substr(0, slash);
    if (::mkdir(directory.c_str(), 0755) == 0) {
      if (::chmod(directory.c_str(), 0755) != 0) return fail(directory, "chmod: " + errno_text(errno));
    } else if (errno != EEXIST) {
      return fail(directory, "cannot create the directory: " + errno_text(errno));
    }
  }
  return success();
}

// 0: someone accepts connections at `path`; ECONNREFUSED: a socket file nobody listens on;
// another errno otherwise.
int probe_socket(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd.is_valid()) return errno;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.data(), path.size());
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) return 0;
  // EAGAIN: the listener's backlog is full; a daemon is there, only busy.
  return errno == EAGAIN ? 0 : errno;
}

}  // namespace

// --- Responder ---

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (is_waited_for()) reply(error_reply("internal", "the daemon dropped the request without answering"));
    connection_ = std::move(other.connection_);
    other.connection_.reset();
  }
  return *this;
}

Responder::~Responder() {
  if (is_waited_for()) reply(error_reply("internal", "the daemon dropped the request without answering"));
}

bool Responder::is_waited_for() const {
  const auto connection = connection_.lock();
  return connection && !connection->is_answered && !connection->server_alive.expired();
}

void Responder::reply(std::string json) {
  const auto connection = connection_.lock();
  connection_.reset();
  if (!connection || connection->server_alive.expired()) return;
  if (connection->is_answered) {
    connection->server->log_.info("dropped a reply that came after the request was answered (" +
                                  seconds_text(connection->server->options_.answer_deadline) + " deadline)");
    return;
  }
  connection->server->answer(connection, std::move(json));
}

// --- ControlServer ---

ControlServer::ControlServer(asio::io_context& context, std::string path, Handler handler, Logger log,
                             ControlServerOptions options)
    : path_(std::move(path)),
      handler_(std::move(handler)),
      log_(std::move(log)),
      options_(options),
      acceptor_(context),
      accept_retry_(context) {
  TANDEM_CHECK(handler_);
}

ControlServer::~ControlServer() {
  alive_.reset();
  asio::error_code ignored;
  acceptor_.close(ignored);
  for (auto& [id, connection] : connections_) {
    connection->socket.close(ignored);
    connection->read_timer.cancel();
    connection->answer_timer.cancel();
    connection->write_timer.cancel();
  }
  connections_.clear();
  if (!owns_file_) return;
  struct stat status {};
  if (::lstat(path_.c_str(), &status) == 0 && status.st_dev == file_device_ && status.st_ino == file_inode_) {
    ::unlink(path_.c_str());
  }
}

Result<void> ControlServer::start() {
  TANDEM_CHECK(!acceptor_.is_open());
  if (path_.empty()) return fail("control socket", "no path given");
  if (path_.size() >= sizeof(sockaddr_un::sun_path)) {
    return fail(path_, "longer than " + std::to_string(sizeof(sockaddr_un::sun_path) - 1) +
                           " bytes, the limit of a Unix socket's path");
  }
  if (auto made = make_parent_directories(path_); !made) return made;
  if (auto cleared = clear_stale_socket(); !cleared) return cleared;
  if (auto listening = listen(); !listening) return listening;
  accept_next();
  return success();
}

Result<void> ControlServer::clear_stale_socket() {
  struct stat status {};
  if (::lstat(path_.c_str(), &status) != 0) {
    if (errno == ENOENT) return success();
    return fail(path_, errno_text(errno));
  }
  if (!S_ISSOCK(status.st_mode)) return fail(path_, "exists and is not a socket; remove it or choose another path");
  const int probed = probe_socket(path_);
  if (probed == 0) return fail(path_, "another daemon is listening on this socket");
  if (probed != ECONNREFUSED) return fail(path_, "cannot tell whether a daemon listens here: " + errno_text(probed));
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    return fail(path_, "cannot remove the stale socket: " + errno_text(errno));
  }
  log_.info("removed the stale socket " + path_ + " (nobody answered on it)");
  return success();
}

Result<void> ControlServer::listen() {
  asio::error_code error;
  const asio::local::stream_protocol::endpoint endpoint(path_);
  acceptor_.open(endpoint.protocol(), error);
  // Linux creates the socket file with the socket's own mode (less the umask): setting it
  // before bind() leaves no moment in which the file is open to everyone.
  if (!error && ::fchmod(acceptor_.native_handle(), 0600) != 0) error.assign(errno, asio::system_category());
  if (!error) acceptor_.bind(endpoint, error);
  if (error) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return fail(path_, "cannot bind: " + error.message());
  }
  struct stat status {};
  if (::chmod(path_.c_str(), 0600) != 0 || ::lstat(path_.c_str(), &status) != 0) {
    const int saved = errno;
    asio::error_code ignored;
    acceptor_.close(ignored);
    ::unlink(path_.c_str());
    return fail(path_, "cannot make the socket mode 0600: " + errno_text(saved));
  }
  owns_file_ = true;
  file_device_ = status.st_dev;
  file_inode_ = status.st_ino;
  acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    asio::error_code ignored;
    acceptor_.close(ignored);
    return fail(path_, "cannot listen: " + error.message());
  }
  return success();
}

void ControlServer::accept_next() {
  std::weak_ptr<char> alive = alive_;
  acceptor_.async_accept([this, alive](const asio::error_code& error, Socket socket) {
    if (alive.expired() || error == asio::error::operation_aborted) return;
    if (!error) {
      on_accepted(std::move(socket));
      accept_next();
      return;
    }
    // Out of descriptors, say: wait a little rather than spin.
    log_.warning("accept failed: " + error.message());
    accept_retry_.expires_after(std::chrono::milliseconds(50));
    accept_retry_.async_wait([this, alive](const asio::error_code& wait_error) {
      if (!wait_error && !alive.expired()) accept_next();
    });
  });
}

// The oldest connection still waiting for its request line (ids grow with time), or 0.
std::uint64_t ControlServer::oldest_unread() const {
  for (const auto& [id, connection] : connections_) {
    if (!connection->is_handed_over && !connection->is_answered) return id;
  }
  return 0;
}

void ControlServer::on_accepted(Socket socket) {
  if (connections_.size() >= kControlConnectionsMax) {
    // A client that has sent nothing yet gives way to the newcomer, so clients that
    // connect and send nothing can never keep a real request out (they only push each
    // other out). Only when every slot holds a request being answered is the newcomer
    // refused.
    if (const std::uint64_t idle = oldest_unread(); idle != 0) {
      if (!is_refusing_)
        log_.warning("closing the oldest connections that sent no request: already " +
                     std::to_string(kControlConnectionsMax) + " open");
      is_refusing_ = true;
      close(idle);
    } else {
      if (!is_refusing_)
        log_.warning("closing new connections: already " + std::to_string(kControlConnectionsMax) + " open");
      is_refusing_ = true;
      asio::error_code ignored;
      socket.close(ignored);
      return;
    }
  } else {
    is_refusing_ = false;
  }
  ucred peer{};
  socklen_t size = sizeof(peer);
  const bool has_peer = ::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &peer, &size) == 0;
  auto connection = std::make_shared<ControlConnection>(std::move(socket), next_id_++, this, alive_);
  connections_.emplace(connection->id, connection);
  if (!has_peer || peer.uid != options_.allowed_uid) {
    log_.warning(has_peer ? "refused uid " + std::to_string(peer.uid) + " (pid " + std::to_string(peer.pid) + ")"
                          : "refused a client whose credentials are unknown: " + errno_text(errno));
    answer(connection,
           error_reply("forbidden", options_.allowed_uid == 0 ? "only root may use the control socket"
                                                              : "only uid " + std::to_string(options_.allowed_uid) +
                                                                    " may use the control socket"));
    return;
  }
  std::weak_ptr<char> alive = alive_;
  connection->read_timer.expires_after(options_.read_deadline);
  connection->read_timer.async_wait([this, alive, connection](const asio::error_code& error) {
    if (error || alive.expired() || connection->is_handed_over || connection->is_answered) return;
    answer(connection, error_reply("bad_request", "no request line within " + seconds_text(options_.read_deadline)));
  });
  read_next(connection);
}

void ControlServer::read_next(const std::shared_ptr<ControlConnection>& connection) {
  std::weak_ptr<char> alive = alive_;
  connection->socket.async_read_some(
      asio::buffer(connection->buffer), [this, alive, connection](const asio::error_code& error, std::size_t size) {
        if (alive.expired() || !connections_.contains(connection->id) || connection->is_answered) return;
        if (!error) {
          on_read(connection, size);
        } else if (error == asio::error::eof && !connection->request.empty()) {
          hand_over(connection, std::move(connection->request));  // a last line without its newline
        } else {
          if (error != asio::error::eof) log_.warning("read failed: " + error.message());
          close(connection->id);
        }
      });
}

void ControlServer::on_read(const std::shared_ptr<ControlConnection>& connection, std::size_t size) {
  std::string& request = connection->request;
  const std::size_t searched = request.size();
  request.append(connection->buffer.data(), size);
  const std::size_t newline = request.find('\n', searched);
  const std::size_t length = newline == std::string::npos ? request.size() : newline;
  if (length > kControlRequestMax) {
    log_.warning("refused a request longer than " + std::to_string(kControlRequestMax) + " bytes");
    answer(connection,
           error_reply("bad_request", "the request is longer than " + std::to_string(kControlRequestMax) + " bytes"));
    return;
  }
  if (newline == std::string::npos) {
    read_next(connection);
    return;
  }
  request.resize(newline);
  if (!request.empty() && request.back() == '\r') request.pop_back();
  hand_over(connection, std::move(request));
}

void ControlServer::hand_over(const std::shared_ptr<ControlConnection>& connection, std::string request) {
  connection->read_timer.cancel();
  connection->is_handed_over = true;
  std::weak_ptr<char> alive = alive_;
  connection->answer_timer.expires_after(options_.answer_deadline);
  connection->answer_timer.async_wait([this, alive, connection](const asio::error_code& error) {
    if (error || alive.expired() || connection->is_answered || !connections_.contains(connection->id)) return;
    const std::string deadline = seconds_text(options_.answer_deadline);
    log_.warning("a request got no answer within " + deadline);
    answer(connection, error_reply("timeout", "no answer within " + deadline));
  });
  handler_(std::move(request), Responder(connection));
}

void ControlServer::answer(const std::shared_ptr<ControlConnection>& connection, std::string line) {
  TANDEM_CHECK(line.find('\n') == std::string::npos);
  connection->is_answered = true;
  connection->read_timer.cancel();
  connection->answer_timer.cancel();
  if (!connections_.contains(connection->id)) return;  // the client has gone
  connection->reply = std::move(line);
  connection->reply += '\n';
  std::weak_ptr<char> alive = alive_;
  connection->write_timer.expires_after(options_.read_deadline);
  connection->write_timer.async_wait([this, alive, connection](const asio::error_code& error) {
    if (error || alive.expired() || !connections_.contains(connection->id)) return;
    log_.warning("a client did not take its reply within " + seconds_text(options_.read_deadline));
    close(connection->id);
  });
  asio::async_write(connection->socket, asio::buffer(connection->reply),
                    [this, alive, connection](const asio::error_code& error, std::size_t) {
                      if (alive.expired()) return;
                      if (error && error != asio::error::operation_aborted && error != asio::error::broken_pipe) {
                        log_.warning("cannot write a reply: " + error.message());
                      }
                      close(connection->id);
                    });
}

void ControlServer::close(std::uint64_t id) {
  auto found = connections_.find(id);
  if (found == connections_.end()) return;
  ControlConnection& connection = *found->second;
  asio::error_code ignored;
  connection.socket.shutdown(asio::socket_base::shutdown_both, ignored);
  connection.socket.close(ignored);
  connection.read_timer.cancel();
  connection.answer_timer.cancel();
  connection.write_timer.cancel();
  connections_.erase(found);
}

}  // namespace tandem::sys
