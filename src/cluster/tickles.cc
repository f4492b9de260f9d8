// How a node keeps its tickle lists (the TCP connections to the public IPs it holds),
// shares them with its peers, tickles the clients of an IP it takes over after a failure,
// and ends the connections of an IP it releases by plan. PURE, like the rest of the machine.
#include "cluster/node_machine_state.h"
#include "proto/limits.h"

namespace tandem::cluster {

namespace {

// Every tenth listing sends every list, changed or not: a peer that restarted, or lost a
// message, learns them again within ten intervals.
constexpr std::uint64_t kTickleResendEvery = 10;

}  // namespace

bool NodeMachine::State::are_tickles_on() const { return config.tunables.tickle_update_interval_ms != 0; }

std::vector<IpAddress> NodeMachine::State::held_addresses() const {
  std::vector<IpAddress> list;
  list.reserve(held.size());
  for (const auto& entry : held) list.push_back(entry.prefix.address);
  return list;
}

void NodeMachine::State::update_tickle_lists() {
  if (!are_tickles_on() || held.empty() || shutting_down() || now < next_tickle_update) return;
  next_tickle_update = now + ms(config.tunables.tickle_update_interval_ms);
  out.push_back(ListConnections{held_addresses()});
}

TimePoint NodeMachine::State::tickle_wakeup() const {
  TimePoint when = tickles.next_due();
  if (are_tickles_on() && !held.empty() && !shutting_down()) when = std::min(when, next_tickle_update);
  return when;
}

void NodeMachine::State::on_connections_listed(const ConnectionsListed& listed) {
  if (!listed.ok || !started) return;
  const auto recorded = tickle_lists.record_own(config.self, held_addresses(), listed.connections);
  for (const auto& address : recorded.cut) {
    log(Log::Level::kWarning, "tickle list of " + address.to_string() + " keeps the first " +
                                  std::to_string(proto::kTickleConnectionsMax) + " connections only");
  }
  const bool is_resend = ++tickle_listings % kTickleResendEvery == 0;
  for (const auto& address : is_resend ? held_addresses() : recorded.changed) send_tickle_list(address);
}

void NodeMachine::State::send_tickle_list(const IpAddress& address) {
  const proto::TickleList message = tickle_lists.message_for(address);
  for (NodeId peer : membership.nodes()) {
    if (peer != config.self) out.push_back(SendMessage{peer, message});
  }
}

// `tandem addtickle` / `deltickle`: only the holder's list counts (a peer's copy is
// replaced by the holder's next message), so a node edits the lists of the IPs it holds.
void NodeMachine::State::on_tickle_edit(const TickleEdit& edit) {
  const IpAddress& address = edit.connection.server.address;
  const std::string what = edit.connection.client.to_string() + " -> " + edit.connection.server.to_string();
  auto answer = [&](bool ok, const std::string& message) { out.push_back(ReplyAdmin{edit.request_id, ok, message}); };
  const bool is_held =
      std::any_of(held.begin(), held.end(), [&](const HeldAddress& entry) { return entry.prefix.address == address; });
  if (!started || shutting_down() || !is_held) {
    answer(false, address.to_string() + " is not a public IP node " + std::to_string(config.self.value()) +
                      " holds: its tickle list is kept by the node holding it (DST must be a public IP held here)");
    return;
  }
  const TickleLists::Entry* entry = tickle_lists.find(address);
  const bool is_listed =
      entry != nullptr && entry->recorded_by == config.self && entry->connections.contains(edit.connection);
  if (edit.is_add) {
    if (is_listed) return answer(true, what + " is listed already");
    if (!tickle_lists.add(config.self, edit.connection)) {
      return answer(false, "the tickle list of " + address.to_string() + " is full (" +
                               std::to_string(proto::kTickleConnectionsMax) + " connections)");
    }
  } else {
    if (!is_listed) return answer(false, what + " is not in the tickle list of " + address.to_string());
    (void)tickle_lists.remove(edit.connection);
  }
  log(Log::Level::kInfo, std::string(edit.is_add ? "added " : "deleted ") + "tickle " + what);
  send_tickle_list(address);
  answer(true, std::string(edit.is_add ? "added " : "deleted ") + what);
}

void NodeMachine::State::on_tickle_list(NodeId from, const proto::TickleList& list) {
  if (!started || from == config.self) return;
  const bool is_held_here = std::any_of(held.begin(), held.end(),
                                        [&](const HeldAddress& entry) { return entry.prefix.address == list.address; });
  tickle_lists.record_peer(from, list, is_held_here);
}

// Called where a take announces `address`, once its takeip and takegroup hooks are done (a
// client told to reconnect earlier would find no service): the connections another node
// recorded for it are its previous holder's, whose kernel is gone or has ended them; their
// clients hear of it from here, TickleCount times.
void NodeMachine::State::tickle_taken(const IpAddress& address, const InterfaceName& interface) {
  if (!are_tickles_on()) return;
  std::vector<TcpConnection> connections = tickle_lists.to_tickle(config.self, address);
  if (connections.empty()) return;
  log(Log::Level::kInfo,
      "sending tickle ACKs for " + std::to_string(connections.size()) + " connections to " + address.to_string());
  (void)tickles.start(address, interface, now, std::max<std::uint32_t>(config.tunables.tickle_count, 1),
                      ms(config.tunables.announce_interval_ms));
  out.push_back(SendTickles{address, connections});
  tickling[address] = std::move(connections);
}

// No repeats for an address this node no longer holds (released, removed, lease lost) or
// while it stops. Run in step() and again at the end of every call (NodeMachine::on), since
// a release can happen after step() (an order the leader gave itself).
void NodeMachine::State::drop_unheld_tickles() {
  for (auto pending = tickling.begin(); pending != tickling.end();) {
    const IpAddress& address = pending->first;
    const bool is_held = std::any_of(held.begin(), held.end(),
                                     [&](const HeldAddress& entry) { return entry.prefix.address == address; });
    if (!is_held || shutting_down() || !tickles.pending().contains(address)) {
      tickles.cancel(address);
      pending = tickling.erase(pending);
      continue;
    }
    ++pending;
  }
}

// Last in step(): the repeats due.
void NodeMachine::State::send_due_tickles() {
  drop_unheld_tickles();
  for (const auto& due : tickles.take_due(now)) {
    out.push_back(SendTickles{due.address, tickling[due.address]});
  }
  // take_due() drops what has no sends left; so does the list of what to tickle.
  std::erase_if(tickling, [&](const auto& entry) { return !tickles.pending().contains(entry.first); });
}

// A planned release: the addresses' connections end before the addresses go, so that each
// client reconnects to the next holder at once. Not for an update (same node, another
// interface), which keeps every connection.
void NodeMachine::State::end_connections(const std::vector<TakeoverItem>& items) {
  ResetConnections reset;
  for (const auto& item : items) {
    const bool is_held = std::any_of(held.begin(), held.end(), [&](const HeldAddress& entry) {
      return entry.prefix.address == item.prefix.address;
    });
    if (is_held) reset.addresses.push_back(item.prefix.address);
  }
  if (!reset.addresses.empty()) out.push_back(std::move(reset));
}

void NodeMachine::State::check_tickle_invariants() const {
  // 13. Every tickle ACK still to be sent names an address this node holds.
  for (const auto& scheduled : tickles.pending()) {
    const IpAddress& address = scheduled.first;
    TANDEM_CHECK(std::any_of(held.begin(), held.end(),
                             [&](const HeldAddress& entry) { return entry.prefix.address == address; }));
    TANDEM_CHECK(tickling.contains(address));
  }
}

}  // namespace tandem::cluster
