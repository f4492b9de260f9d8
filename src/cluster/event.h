// Event: everything that can happen to a node, as a value. PURE.
//
// The state machine (NodeMachine) changes only in answer to an Event, at a time given
// with it. The node layer turns io callbacks into Events; the simulator makes them up.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "cluster/node_config.h"
#include "model/cluster_view.h"
#include "model/durable_state.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/tcp_connection.h"
#include "proto/message.h"

namespace tandem::cluster {

// The daemon starts: it cleans up stale addresses, runs `startup`, then joins.
struct Start {
  // What the kernel holds on the node's public interfaces now (io::NetOps::list_addresses).
  std::vector<proto::HeldAddress> found;
  std::map<InterfaceName, LinkState> links;
  // What the daemon read from its state directory at start-up (app/durable_state.h):
  // nullopt for a fresh node (no file: a first start, or a wiped disk), which sits out
  // 2 x DeadTimeoutMs before it votes. A file that cannot be trusted never gets here: the
  // daemon refuses to start (docs/design/cluster.md, "Durable state").
  std::optional<DurableState> durable = std::nullopt;
};

// A wake-up the machine asked for (next_wakeup()) has come.
struct Tick {};

struct PeerMessage {
  NodeId from;
  proto::Message message;
};

struct LinkChanged {
  InterfaceName interface;
  LinkState state;
};

// `target` answered a reachability probe (SendProbe) on `interface`: an ARP reply or a
// neighbour advertisement from it was heard there.
struct ProbeAnswered {
  InterfaceName interface;
  IpAddress target;
};

enum class LockState : std::uint8_t { kHeld, kContended, kLost };

struct LockChanged {
  LockState state;
};

struct HookFinished {
  std::uint64_t id = 0;
  bool ok = true;
};

// An address operation the machine asked for failed (the machine assumed success).
struct AddressFailed {
  IpPrefix prefix;
  InterfaceName interface;
  bool was_add = true;
  std::string reason;
};

// The kernel's addresses on the node's public interfaces changed (an address event came,
// or events were lost), whoever changed them: what the kernel holds there now
// (io::NetOps::list_addresses), read after every action the machine asked for was carried
// out. The machine compares it with what it holds (address_audit.h): a held address that
// is gone is added again and announced; a public address it does not hold is removed. Its
// own adds and removals agree with `held` by then, so they are never "repaired".
struct AddressesSeen {
  std::vector<proto::HeldAddress> found;
};

// An administrator's command from the local control socket.
struct AdminCommandReceived {
  std::uint64_t request_id = 0;
  proto::AdminCommand command;
};

// The local control socket asks for the cluster's status; answered by one ReplyStatus with
// the same id: the leader's view when a leader answers, else this node's own.
struct StatusQuery {
  std::uint64_t request_id = 0;
};

// The configuration was read again (SIGHUP, `tandem reload`) or a tunable set (`setvar`).
// Public addresses, IP groups and tunables take effect; self, the node list, the lock
// setting and the seed keep their running values (a change of nodes needs a restart).
struct Reconfigure {
  NodeConfig config;
};

// A planned stop (SIGTERM: systemctl stop, a planned reboot). From now on the node takes
// nothing and may not lead; it releases what it holds with its hooks, as a release order
// would (releasegroup, then the addresses go, then releaseip), tells its leader that it
// holds nothing and is STOPPED, steps down if it leads, and answers with one ShutdownDone
// (at the latest EventScriptTimeoutMs after the Shutdown). See docs/design/cluster.md.
struct Shutdown {};

// The answer to ListConnections: the established TCP connections to the addresses it
// named, or `ok` false when the kernel could not be asked (the lists stay as they were).
struct ConnectionsListed {
  bool ok = true;
  std::vector<TcpConnection> connections;
};

// `tandem addtickle` / `tandem deltickle` from the local control socket: a connection to a
// public IP this node holds joins or leaves that IP's tickle list (tickle_lists.h), which
// then goes to the peers at once. Answered by one ReplyAdmin with the same id; refused
// when this node does not hold the connection's server address (its holder keeps the list).
struct TickleEdit {
  std::uint64_t request_id = 0;
  bool is_add = true;
  TcpConnection connection;
};

using Event =
    std::variant<Start, Tick, PeerMessage, LinkChanged, LockChanged, HookFinished, AddressFailed, AdminCommandReceived,
                 StatusQuery, Reconfigure, Shutdown, AddressesSeen, ProbeAnswered, ConnectionsListed, TickleEdit>;

}  // namespace tandem::cluster
