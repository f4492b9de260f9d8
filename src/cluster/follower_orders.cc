// How a node carries out the leader's takeover orders (release, take, update,
// ipreallocated) and answers them once their hooks are done.
#include "cluster/node_machine_state.h"

namespace tandem::cluster {

namespace {

// Whether `held` has an address of the group named `name` other than those in `items`. A
// release that leaves one, or a take that joins one, is a group with on-path-loss=stay
// losing or regaining a path on the node that keeps it: the group neither leaves nor
// arrives, so its releasegroup/takegroup hooks (stopping or starting what it serves) do
// not run, and its healthy paths go on serving.
bool holds_rest_of(const std::vector<IpGroup>& groups, const GroupName& name, const std::vector<HeldAddress>& held,
                   const std::vector<TakeoverItem>& items) {
  const auto group = std::find_if(groups.begin(), groups.end(), [&](const IpGroup& g) { return g.name == name; });
  if (group == groups.end()) return false;
  return std::any_of(held.begin(), held.end(), [&](const HeldAddress& entry) {
    const auto& address = entry.prefix.address;
    const bool is_member = std::any_of(group->members.begin(), group->members.end(),
                                       [&](const GroupMember& member) { return member.address == address; });
    const bool is_in_items = std::any_of(items.begin(), items.end(),
                                         [&](const TakeoverItem& item) { return item.prefix.address == address; });
    return is_member && !is_in_items;
  });
}

// The order (to answer) and the arrival (to advance) wait for `hook`.
void follow_hook(OrderInProgress& order, Arrival& arrival, std::uint64_t hook) {
  arrival.hooks.insert(hook);
  order.hooks.insert(hook);
}

}  // namespace

// =====================================================================================
// Orders from the leader

void NodeMachine::State::on_order(NodeId from, const proto::TakeoverOrder& order) {
  if (!started) return;
  if (order.epoch < epoch() || (order.epoch == epoch() && leader() != from)) {
    log(Log::Level::kWarning, "refused an order of epoch " + std::to_string(order.epoch) + " from node " +
                                  std::to_string(from.value()) + ": we follow epoch " + std::to_string(epoch()));
    return;
  }
  if (order.epoch > epoch()) adopt_epoch(order.epoch, from, from);
  // Runs of one leader only grow: an order of a run older than one already seen was
  // overtaken, and carrying it out could undo what the newer run decided. (A leader that
  // restarted numbers its runs afresh: a new incarnation starts a new sequence.)
  const PeerState* sender = membership.peer(from);
  const std::uint64_t incarnation = sender != nullptr ? sender->incarnation : membership.incarnation();
  if (!executor.admit(RunStamp{from, incarnation, order.epoch, order.run_id})) {
    log(Log::Level::kWarning, "refused an order of run " + std::to_string(order.run_id) + ": run " +
                                  std::to_string(executor.newest()->run_id) + " is newer");
    return;
  }
  // A resent order whose hooks are still running is answered when they are done: starting
  // them again would run the same hooks twice at once.
  if (executor.is_under_way(from, order.epoch, order.run_id, order.kind)) return;
  OrderInProgress progress{from, order.epoch, order.run_id, order.kind, {}, {}, {}, {}};
  switch (order.kind) {
    case TakeoverKind::kRelease:
      carry_out_release(progress, order.items);
      break;
    case TakeoverKind::kTake:
      carry_out_take(progress, order.items);
      break;
    case TakeoverKind::kUpdate:
      carry_out_update(progress, order.items);
      break;
    case TakeoverKind::kIpReallocated:
      if (!shutting_down()) run_hook(HookEvent::kIpReallocated, {});
      return;
  }
  executor.orders().push_back(std::move(progress));
  finish_orders();
}

// releasegroup runs before any of the group's addresses go (the place to stop the target);
// the addresses go once those hooks are done.
void NodeMachine::State::carry_out_release(OrderInProgress& order, const std::vector<TakeoverItem>& given) {
  // In a planned stop, what the stop's own release already covers is not released twice.
  const std::vector<TakeoverItem> items = shutting_down() && !order.is_shutdown ? not_yet_released(given) : given;
  std::set<GroupName> groups;
  for (const auto& item : items) {
    if (item.group && !holds_rest_of(config.groups, *item.group, held, items)) groups.insert(*item.group);
  }
  for (const auto& group : groups) order.hooks.insert(run_hook(HookEvent::kReleaseGroup, {group.value()}));
  // The address leaves once those hooks are done; its clients hear no more of it from here now.
  for (const auto& item : items) announcements.cancel(item.prefix.address);
  order.to_remove = items;
}

void NodeMachine::State::carry_out_take(OrderInProgress& order, const std::vector<TakeoverItem>& items) {
  if (shutting_down()) {
    for (const auto& item : items)
      order.failures.push_back({item.prefix.address, proto::FailureCause::kShuttingDown, std::string(kShuttingDown)});
    return;
  }
  if (!has_lease() || banned_until || admin_stopped) {
    for (const auto& item : items)
      order.failures.push_back({item.prefix.address, proto::FailureCause::kNoLease, std::string(kNoLease)});
    return;
  }
  // A group arrives whole; an address in no group, or rejoining a group this node serves
  // already, arrives alone, with no group hook.
  std::vector<Arrival> arrivals;
  for (const auto& item : items) {
    if (item.group && !holds_rest_of(config.groups, *item.group, held, items)) {
      const bool is_listed = std::any_of(arrivals.begin(), arrivals.end(),
                                         [&](const Arrival& arrival) { return arrival.group == item.group; });
      if (!is_listed) arrivals.emplace_back().group = item.group;
    }
  }
  // The leader named interfaces by the links of this node's latest report it had; the
  // links may have changed since (cables plugged back one after the other): this node
  // places what it takes by its own links now, with the leader's function, so a group
  // arrives on distinct interfaces at once. The leader's next allocation agrees.
  const Assignment local = local_choice(items);
  for (const auto& item : items) {
    auto arrival = std::find_if(arrivals.begin(), arrivals.end(),
                                [&](const Arrival& each) { return each.group && each.group == item.group; });
    if (arrival == arrivals.end()) arrival = arrivals.insert(arrivals.end(), Arrival{});
    arrival->items.push_back(item);
    const auto entry = std::find_if(held.begin(), held.end(),
                                    [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    InterfaceName interface = item.interface;
    if (entry != held.end()) {
      // Taken again (a resent order): it stays where it is, and stays announced as it was.
      interface = entry->interface;
    } else {
      if (const auto placement = local.placement_of(item.prefix.address)) interface = placement->interface;
      out.push_back(AddAddress{item.prefix, interface});
      held.push_back({item.prefix, interface});
      arrival->to_announce.insert(item.prefix.address);  // once its hooks are done
    }
    follow_hook(order, *arrival, run_hook(HookEvent::kTakeIp, ip_hook_arguments(interface, item.prefix)));
  }
  order.arrivals = std::move(arrivals);
}

// Moves every arrival whose stage's hooks are done on to its next stage (see Arrival).
void NodeMachine::State::advance_arrivals() {
  for (auto& order : executor.orders()) {
    for (auto& arrival : order.arrivals) {
      while (arrival.stage != Arrival::Stage::kDone && arrival.hooks.empty()) advance_arrival(order, arrival);
    }
  }
}

void NodeMachine::State::advance_arrival(OrderInProgress& order, Arrival& arrival) {
  auto track = [&](std::uint64_t hook) { follow_hook(order, arrival, hook); };
  if (arrival.is_abandoned) {
    arrival.stage = Arrival::Stage::kDone;
    return;
  }
  switch (arrival.stage) {
    case Arrival::Stage::kTakeIp:
      if (!arrival.has_failed && arrival.group) {
        arrival.stage = Arrival::Stage::kTakeGroup;
        track(run_hook(HookEvent::kTakeGroup, {arrival.group->value()}));
        return;
      }
      serve_or_release(order, arrival);
      return;
    case Arrival::Stage::kTakeGroup:
      serve_or_release(order, arrival);
      return;
    case Arrival::Stage::kReleaseGroup:
      arrival.stage = Arrival::Stage::kReleaseIp;
      for (const auto& item : arrival.items) {
        if (const auto hook = remove_held_with_hook(item.prefix.address)) track(*hook);
      }
      return;
    case Arrival::Stage::kReleaseIp:
    case Arrival::Stage::kDone:
      arrival.stage = Arrival::Stage::kDone;
      return;
  }
}

// The arrival's take hooks are done: it is served, and the addresses it added are announced
// (where they are now: a link change may have moved them meanwhile). Or one of them failed:
// it is released as a release order would, releasegroup first, and never announced.
void NodeMachine::State::serve_or_release(OrderInProgress& order, Arrival& arrival) {
  if (!arrival.has_failed) {
    arrival.stage = Arrival::Stage::kDone;
    for (const auto& entry : held) {
      if (!arrival.to_announce.contains(entry.prefix.address)) continue;
      announce(entry.prefix.address, entry.interface);
      tickle_taken(entry.prefix.address, entry.interface);  // tickles.cc: the service is ready now
    }
    return;
  }
  log(Log::Level::kWarning,
      "a take hook failed: releasing " +
          (arrival.group ? "group " + arrival.group->value() : text_of(arrival.items.front().prefix)) + " unannounced");
  arrival.stage = Arrival::Stage::kReleaseGroup;
  for (const auto& item : arrival.items) announcements.cancel(item.prefix.address);
  if (arrival.group) follow_hook(order, arrival, run_hook(HookEvent::kReleaseGroup, {arrival.group->value()}));
}

void NodeMachine::State::carry_out_update(OrderInProgress& order, const std::vector<TakeoverItem>& items) {
  for (const auto& item : items) {
    auto entry = std::find_if(held.begin(), held.end(),
                              [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    if (entry == held.end()) {
      order.failures.push_back({item.prefix.address, proto::FailureCause::kNotHeld, "not held here"});
      continue;
    }
    if (entry->interface == item.interface) continue;
    order.hooks.insert(move_held(*entry, item.interface));
  }
}

// Removes `address` from its interface if it is held, and runs its releaseip hook (which
// reports list until it is done in a planned stop); the hook, or nullopt.
std::optional<std::uint64_t> NodeMachine::State::remove_held_with_hook(const IpAddress& address) {
  auto entry =
      std::find_if(held.begin(), held.end(), [&](const HeldAddress& h) { return h.prefix.address == address; });
  if (entry == held.end()) return std::nullopt;
  out.push_back(RemoveAddress{entry->prefix, entry->interface});
  const std::uint64_t hook = run_hook(HookEvent::kReleaseIp, ip_hook_arguments(entry->interface, entry->prefix));
  if (shutting_down()) stop.releasing(hook, *entry);
  announcements.cancel(address);
  held.erase(entry);
  return hook;
}

// Answers, in order, every order whose hooks are done.
void NodeMachine::State::finish_orders() {
  advance_arrivals();
  auto& orders = executor.orders();
  while (!orders.empty() && orders.front().hooks.empty()) {
    OrderInProgress& order = orders.front();
    if (!order.to_remove.empty()) {
      end_connections(order.to_remove);  // tickles.cc: a planned release
      for (const auto& item : order.to_remove) {
        if (const auto hook = remove_held_with_hook(item.prefix.address)) order.hooks.insert(*hook);
      }
      order.to_remove.clear();
      continue;  // answer once the releaseip hooks are done
    }
    if (order.is_shutdown) {
      const std::size_t failures = order.failures.size();
      orders.pop_front();
      on_shutdown_released(failures);
      continue;
    }
    // Only a take can make a report stale in the dangerous direction (holding less than
    // the leader must assume), so only takes advance what the reports say was applied: a
    // release of the same run must not vouch for the take that follows it.
    if (order.kind == TakeoverKind::kTake) executor.record_applied(order.epoch, order.run_id);
    send(order.leader,
         proto::TakeoverAck{order.epoch, order.run_id, order.kind, order.failures.empty(), order.failures});
    orders.pop_front();
    send_report();
  }
}

}  // namespace tandem::cluster
