// NetlinkEvents: one route netlink event stream (multicast groups such as RTMGRP_LINK or
// RTMGRP_IPV4_IFADDR), read on the io_context, that never goes deaf silently.
//
// The owner gives what to do with each message and how to read the whole state again.
// When the kernel drops events (ENOBUFS) the stream discards what is still queued (older
// than the state read next, it would undo it) and calls `resynchronise`; when its socket
// fails it opens a new one, subscribed before the state is read again so nothing falls
// between, and says so in the log; when it cannot (kRecoveriesMax failures in a row) it
// calls `failed` and reports nothing more. Used by LinkMonitor and AddressMonitor.
// Single-threaded (the io_context's thread); callbacks must not destroy the stream. Acts in
// the network namespace of the thread that calls start().
#pragma once

#include <asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "sys/logger.h"

struct nlmsghdr;

namespace tandem::sys {

class NetlinkEvents {
 public:
  using OnMessage = std::function<void(const nlmsghdr& message)>;
  using Resynchronise = std::function<Result<void>()>;
  // Called once after every read of queued events (one or more messages), for owners
  // that act once per burst.
  using OnBurstEnd = std::function<void()>;
  using Failed = std::function<void(const Error& error)>;

  // Socket failures in a row (without one good read between) before `failed` is called.
  static constexpr int kRecoveriesMax = 3;

  // `what` names the events in log lines ("link"), `whole` the state ("every link").
  NetlinkEvents(asio::io_context& context, std::string what, std::string whole, std::uint32_t groups,
                OnMessage on_message, Resynchronise resynchronise, const Logger& log, Failed failed,
                OnBurstEnd on_burst_end = nullptr);
  ~NetlinkEvents();
  NetlinkEvents(const NetlinkEvents&) = delete;
  NetlinkEvents& operator=(const NetlinkEvents&) = delete;

  // Opens the subscribed socket; the owner then reads the state it starts from, and calls
  // listen(). receive_buffer_bytes sizes the socket's queue (0: the kernel's default).
  Result<void> open(int receive_buffer_bytes = 0);
  void listen() { read_next(); }

 private:
  void read_next();
  bool on_readable();  // false: it failed and called recover()
  Result<void> open_socket();
  void discard_queued_events(std::vector<char>& buffer);
  void recover(const std::string& cause);

  std::string what_;
  std::string whole_;
  std::uint32_t groups_;
  OnMessage on_message_;
  Resynchronise resynchronise_;
  Logger log_;
  Failed failed_;
  OnBurstEnd on_burst_end_;
  int receive_buffer_bytes_ = 0;
  int recoveries_in_a_row_ = 0;
  bool has_failed_ = false;
  asio::posix::stream_descriptor descriptor_;
  // Handlers hold a weak_ptr to this and do nothing once the stream is gone.
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
