#include "node/takeover_watch.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <type_traits>

namespace tandem::node {

namespace {

using Orders = std::map<IpAddress, std::pair<AddressPlace, proto::TakeoverItem>>;

std::string place_text(const std::optional<AddressPlace>& place) {
  if (!place) return "nowhere";
  return "node " + std::to_string(place->node.value()) + " " + place->interface.value();
}

const proto::NodeStatus* status_of(const proto::StatusReply& status, NodeId node) {
  for (const auto& entry : status.nodes) {
    if (entry.node == node) return &entry;
  }
  return nullptr;
}

// Where `address` was in `status`, not counting `skip`'s own entries.
std::optional<AddressPlace> holder_in(const proto::StatusReply& status, const IpAddress& address,
                                      std::optional<NodeId> skip) {
  for (const auto& node : status.nodes) {
    if (node.node == skip) continue;
    for (const auto& held : node.held) {
      if (held.prefix.address == address) return AddressPlace{node.node, held.interface};
    }
  }
  return std::nullopt;
}

// Why an address left `from`, as the leader saw the cluster before the run.
std::string why_it_left(const std::optional<AddressPlace>& from, const proto::StatusReply* before) {
  if (!from) return "it was not hosted";
  const std::string node = "node " + std::to_string(from->node.value());
  const proto::NodeStatus* status = before == nullptr ? nullptr : status_of(*before, from->node);
  if (status == nullptr) return "rebalancing, failback or an administrator's move";
  // The first of its flags in CTDB's order (DISCONNECTED first), in lower case.
  if (const auto names = status->flags.names(); !names.empty()) {
    std::string word = names.front();
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return node + " is " + word;
  }
  if (!status->monitor_healthy) return node + " is unhealthy";
  if (auto link = status->links.find(from->interface);
      link != status->links.end() && link->second == LinkState::kDown) {
    return "interface " + from->interface.value() + " of " + node + " is down";
  }
  return "rebalancing, failback or an administrator's move";
}

void sort_moves(std::vector<Move>& moves) {
  std::sort(moves.begin(), moves.end(),
            [](const Move& a, const Move& b) { return a.prefix.address < b.prefix.address; });
}

}  // namespace

std::string describe(const MoveRecord& record, const Move& move) {
  std::string text = record.kind == MoveRecord::Kind::kTakeoverRun ? "takeover run " + std::to_string(record.run_id)
                                                                   : std::string("local failover");
  text += ": " + move.prefix.to_string();
  if (move.group) text += " (group " + move.group->value() + ")";
  return text + " from " + place_text(move.from) + " to " + place_text(move.to) + ": " + move.why;
}

std::string cause_of(const cluster::Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using E = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<E, cluster::Start>) return "the daemon's start";
        if constexpr (std::is_same_v<E, cluster::Tick>)
          return "a timer (a node's silence, a lease waited out, a retry)";
        if constexpr (std::is_same_v<E, cluster::PeerMessage>) {
          return "a " + std::string(proto::message_name(proto::message_type(e.message))) + " from node " +
                 std::to_string(e.from.value());
        }
        if constexpr (std::is_same_v<E, cluster::LinkChanged>) {
          return "interface " + e.interface.value() + (e.state == LinkState::kUp ? " up" : " down");
        }
        if constexpr (std::is_same_v<E, cluster::LockChanged>) return "a change of the cluster lock";
        if constexpr (std::is_same_v<E, cluster::HookFinished>) return "a hook's end";
        if constexpr (std::is_same_v<E, cluster::AddressFailed>) return "a failed address operation";
        if constexpr (std::is_same_v<E, cluster::AdminCommandReceived>) {
          return "an administrator's " + std::string(proto::command_word(e.command));
        }
        if constexpr (std::is_same_v<E, cluster::StatusQuery>) return "a status question";
        if constexpr (std::is_same_v<E, cluster::Reconfigure>) return "a configuration reload";
        if constexpr (std::is_same_v<E, cluster::Shutdown>) return "a planned stop";
        if constexpr (std::is_same_v<E, cluster::AddressesSeen>) return "a change of the kernel's addresses";
        return "an event";
      },
      event);
}

std::optional<GroupName> TakeoverWatch::group_of(const IpAddress& address) const {
  for (const auto& group : groups_) {
    for (const auto& member : group.members) {
      if (member.address == address) return group.name;
    }
  }
  return std::nullopt;
}

std::optional<AddressPlace> TakeoverWatch::last_reported_holder(const IpAddress& address) const {
  for (const auto& [node, held] : reported_) {
    for (const auto& entry : held) {
      if (entry.prefix.address == address) return AddressPlace{node, entry.interface};
    }
  }
  return std::nullopt;
}

std::optional<cluster::StatusQuery> TakeoverWatch::observe(const cluster::Event& event,
                                                           const std::vector<cluster::Action>& actions, TimePoint now) {
  if (const auto* reconfigure = std::get_if<cluster::Reconfigure>(&event)) groups_ = reconfigure->config.groups;
  if (const auto* message = std::get_if<cluster::PeerMessage>(&event)) {
    if (const auto* report = std::get_if<proto::StateReport>(&message->message))
      reported_[message->from] = report->held;
  }
  if (const auto* change = std::get_if<cluster::LinkChanged>(&event)) note_local_failover(*change, actions, now);
  std::optional<cluster::StatusQuery> question;
  for (const auto& action : actions) {
    const auto* line = std::get_if<cluster::Log>(&action);
    const std::optional<cluster::RunMilestone> run_log = line == nullptr ? std::nullopt : line->run;
    if (!run_log) {
      if (run_ && !std::holds_alternative<cluster::LinkChanged>(event)) note_orders(action);
      continue;
    }
    if (run_log->kind == cluster::RunMilestone::Kind::kStarts) {
      run_.emplace();
      run_->record = MoveRecord{MoveRecord::Kind::kTakeoverRun, run_log->run_id, now, now, cause_of(event), true, {}};
      question = cluster::StatusQuery{next_status_id_++};
      continue;
    }
    if (run_ && run_->record.run_id == run_log->run_id) {
      finished_.push_back(finish(std::move(*run_), run_log->kind == cluster::RunMilestone::Kind::kDone, now));
      run_.reset();
    }
  }
  return question;
}

void TakeoverWatch::on_status(const proto::StatusReply& status) {
  if (run_ && !run_->before) run_->before = status;
}

void TakeoverWatch::note_orders(const cluster::Action& action) {
  auto note = [&](Orders& orders, NodeId node, const proto::TakeoverItem& item) {
    orders.insert_or_assign(item.prefix.address, std::pair{AddressPlace{node, item.interface}, item});
  };
  if (const auto* send = std::get_if<cluster::SendMessage>(&action)) {
    const auto* order = std::get_if<proto::TakeoverOrder>(&send->message);
    if (order == nullptr || order->run_id != run_->record.run_id) return;
    Orders* orders = order->kind == proto::TakeoverKind::kRelease  ? &run_->releases
                     : order->kind == proto::TakeoverKind::kTake   ? &run_->takes
                     : order->kind == proto::TakeoverKind::kUpdate ? &run_->updates
                                                                   : nullptr;
    if (orders == nullptr) return;
    for (const auto& item : order->items) note(*orders, send->to, item);
  } else if (const auto* add = std::get_if<cluster::AddAddress>(&action)) {
    note(run_->takes, self_, proto::TakeoverItem{add->prefix, add->interface, group_of(add->prefix.address)});
  } else if (const auto* remove = std::get_if<cluster::RemoveAddress>(&action)) {
    note(run_->releases, self_,
         proto::TakeoverItem{remove->prefix, remove->interface, group_of(remove->prefix.address)});
  }
}

MoveRecord TakeoverWatch::finish(OpenRun run, bool ok, TimePoint now) const {
  MoveRecord record = std::move(run.record);
  record.ended = now;
  record.ok = ok;
  const proto::StatusReply* before = run.before ? &*run.before : nullptr;
  // The view comes after the batch that started the run, in which this node's own orders
  // were already carried out: its own entries there may be the run's doing.
  auto was_at = [&](const IpAddress& address, const std::optional<AddressPlace>& released, NodeId taker) {
    if (released) return released;
    const std::optional<NodeId> skip = taker == self_ ? std::optional<NodeId>(self_) : std::nullopt;
    auto holder = before == nullptr ? std::optional<AddressPlace>() : holder_in(*before, address, skip);
    return holder ? holder : last_reported_holder(address);
  };
  for (const auto* orders : {&run.takes, &run.updates}) {
    for (const auto& [address, order] : *orders) {
      std::optional<AddressPlace> released;
      if (auto it = run.releases.find(address); it != run.releases.end()) released = it->second.first;
      const auto from = was_at(address, released, order.first.node);
      if (from == order.first) continue;  // a take repeated where it already was: nothing moved
      record.moves.push_back(
          Move{order.second.prefix, order.second.group, from, order.first, why_it_left(from, before)});
    }
  }
  for (const auto& [address, order] : run.releases) {
    if (run.takes.contains(address) || run.updates.contains(address)) continue;
    record.moves.push_back(Move{order.second.prefix, order.second.group, order.first, std::nullopt,
                                why_it_left(order.first, before) + "; no node can host it now"});
  }
  sort_moves(record.moves);
  return record;
}

void TakeoverWatch::note_local_failover(const cluster::LinkChanged& change, const std::vector<cluster::Action>& actions,
                                        TimePoint now) {
  std::map<IpAddress, const cluster::RemoveAddress*> removed;
  for (const auto& action : actions) {
    if (const auto* remove = std::get_if<cluster::RemoveAddress>(&action)) removed[remove->prefix.address] = remove;
  }
  MoveRecord record{MoveRecord::Kind::kLocalFailover, 0, now, now, cause_of(cluster::Event(change)), true, {}};
  const std::string why = change.state == LinkState::kDown ? "interface " + change.interface.value() + " is down"
                                                           : "interface " + change.interface.value() + " is up again";
  for (const auto& action : actions) {
    const auto* add = std::get_if<cluster::AddAddress>(&action);
    if (add == nullptr) continue;
    const auto it = removed.find(add->prefix.address);
    if (it == removed.end() || it->second->interface == add->interface) continue;
    record.moves.push_back(Move{add->prefix, group_of(add->prefix.address), AddressPlace{self_, it->second->interface},
                                AddressPlace{self_, add->interface}, why});
  }
  if (record.moves.empty()) return;
  sort_moves(record.moves);
  finished_.push_back(std::move(record));
}

void TakeoverWatch::leadership_lost(TimePoint now) {
  if (!run_) return;
  finished_.push_back(finish(std::move(*run_), false, now));
  run_.reset();
}

std::vector<MoveRecord> TakeoverWatch::take_finished() {
  std::vector<MoveRecord> records;
  records.swap(finished_);
  return records;
}

}  // namespace tandem::node
