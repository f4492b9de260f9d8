// ask(): the `tandem` tool's end of the control socket (docs/design/control-protocol.md).
//
// Blocking, one request per connection: connect, write the request line, read the reply
// line, all within one deadline. Why there is no reply is part of the result, because the
// tool's exit status depends on it: no daemon (3) is not a timeout (4) is not a broken
// exchange (1). The Result type carries no such code, hence Answer.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tandem::sys {

// A reply longer than this is not one tandemd would send: the exchange is broken.
inline constexpr std::size_t kControlReplyMax = std::size_t{64} << 20;

enum class AskFailure : std::uint8_t {
  kNone,      // `reply` holds the reply
  kNoDaemon,  // no socket at the path, nobody listening on it, or no permission to use it
  kTimeout,   // no whole reply within the deadline
  kFailed,    // anything else: the daemon closed without answering, a read error, ...
};

struct Answer {
  AskFailure failure = AskFailure::kNone;
  std::string reply;  // without its newline; when failure == kNone
  Error error;        // placed at the socket's path; when failure != kNone

  bool ok() const { return failure == AskFailure::kNone; }
};

// Sends `request_line` (one line; the newline is added) to the daemon at `path` and waits
// up to `timeout` in all for the one reply line.
Answer ask(const std::string& path, std::string_view request_line, std::chrono::milliseconds timeout);

}  // namespace tandem::sys
