// Action: what a node's state machine asks the world to do, as a value. PURE.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "model/hook_event.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "proto/message.h"

namespace tandem::cluster {

struct SendMessage {
  NodeId to;
  proto::Message message;
};

struct AddAddress {
  IpPrefix prefix;
  InterfaceName interface;
};

struct RemoveAddress {
  IpPrefix prefix;
  InterfaceName interface;
};

// ONE gratuitous ARP or unsolicited neighbour advertisement. The machine emits one at
// every take and update and its repeats when due (AnnouncementSchedule).
struct Announce {
  IpAddress address;
  InterfaceName interface;

  friend bool operator==(const Announce&, const Announce&) = default;
};

struct RunHook {
  std::uint64_t id = 0;  // answered by HookFinished with the same id
  HookEvent event;
  std::vector<std::string> arguments;
};

struct TryLock {};
struct ReleaseLock {};

struct ReplyAdmin {
  std::uint64_t request_id = 0;
  bool ok = true;
  std::string message;
};

// The answer to a StatusQuery, for the local control socket.
struct ReplyStatus {
  std::uint64_t request_id = 0;
  proto::StatusReply status;
};

// A line for the log, in the domain's words.
struct Log {
  enum class Level : std::uint8_t { kInfo, kWarning, kError } level = Level::kInfo;
  std::string text;
};

// The planned stop is over (see Shutdown): the daemon may exit. Emitted once. Whatever
// held() still lists then (only when the stop was cut short) is the daemon's to remove.
struct ShutdownDone {};

using Action = std::variant<SendMessage, AddAddress, RemoveAddress, Announce, RunHook, TryLock, ReleaseLock,
                            ReplyAdmin, ReplyStatus, Log, ShutdownDone>;

}  // namespace tandem::cluster
