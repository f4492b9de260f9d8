// Action: what a node's state machine asks the world to do, as a value. PURE.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/time.h"
#include "model/durable_state.h"
#include "model/hook_event.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/tcp_connection.h"
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

// The kernel lets this node's public addresses serve until `until` and no longer, whether
// or not the daemon runs then (docs/design/cluster.md, "The kernel's bound"): past it, their
// ARP replies, neighbour advertisements and traffic are dropped. Emitted at start (an
// `until` in the past: nothing serves), at every renewal of the lease and when the public
// addresses change; `addresses` is the whole list, the newest replacing the older.
struct LimitServing {
  TimePoint until;
  std::vector<IpAddress> addresses;
  friend bool operator==(const LimitServing&, const LimitServing&) = default;
};

// Write `state` to the state directory, durably (fsync), before any other action of the
// same call is carried out: the machine puts it first in the batch whenever the highest
// epoch seen or voted in grows, so a vote (or a leader's epoch) is on disk before any
// message says it. A restarted daemon hands it back in Start::durable.
struct PersistState {
  DurableState state;
  friend bool operator==(const PersistState&, const PersistState&) = default;
};

// ONE reachability probe (src/cluster/reachability.h): an ARP request (IPv4) or neighbour
// solicitation (IPv6) for `target`, sent out of `interface`. An answer heard on that
// interface comes back as Event ProbeAnswered.
struct SendProbe {
  InterfaceName interface;
  IpAddress target;

  friend bool operator==(const SendProbe&, const SendProbe&) = default;
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

// A takeover run's start or end, as a value beside its log line, so that observers of the
// machine (the node layer's TakeoverWatch) never read the line's words.
struct RunMilestone {
  enum class Kind : std::uint8_t { kStarts, kDone, kFailed };
  Kind kind = Kind::kStarts;
  std::uint64_t run_id = 0;

  friend bool operator==(const RunMilestone&, const RunMilestone&) = default;
};

// A line for the log, in the domain's words.
struct Log {
  enum class Level : std::uint8_t { kInfo, kWarning, kError } level = Level::kInfo;
  std::string text;
  std::optional<RunMilestone> run = std::nullopt;  // set on the lines that start and end a takeover run
};

// The planned stop is over (see Shutdown): the daemon may exit. Emitted once. Whatever
// held() still lists then (only when the stop was cut short) is the daemon's to remove.
struct ShutdownDone {};

// Lists the kernel's established TCP connections to `addresses` (this node's held public
// IPs), for the tickle lists (src/cluster/tickle_lists.h). Answered by ConnectionsListed.
struct ListConnections {
  std::vector<IpAddress> addresses;
  friend bool operator==(const ListConnections&, const ListConnections&) = default;
};

// Ends every TCP connection to `addresses` (SOCK_DESTROY): a planned release, just before
// the addresses go, so that clients reconnect to the next holder at once.
struct ResetConnections {
  std::vector<IpAddress> addresses;
  friend bool operator==(const ResetConnections&, const ResetConnections&) = default;
};

// ONE tickle ACK for each of `connections` (all to `address`, which this node holds and the
// kernel has). The machine emits the first at a take and the repeats when due (TickleCount).
struct SendTickles {
  IpAddress address;
  std::vector<TcpConnection> connections;
  friend bool operator==(const SendTickles&, const SendTickles&) = default;
};

using Action = std::variant<SendMessage, AddAddress, RemoveAddress, Announce, LimitServing, PersistState, RunHook,
                            TryLock, ReleaseLock, ReplyAdmin, ReplyStatus, Log, ShutdownDone, SendProbe,
                            ListConnections, ResetConnections, SendTickles>;

}  // namespace tandem::cluster
