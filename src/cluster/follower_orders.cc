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
  std::set<GroupName> groups;
  for (const auto& item : items) {
    if (item.group && !holds_rest_of(config.groups, *item.group, held, items)) groups.insert(*item.group);
  }
  // The leader named interfaces by the links of this node's latest report it had; the
  // links may have changed since (cables plugged back one after the other): this node
  // places what it takes by its own links now, with the leader's function, so a group
  // arrives on distinct interfaces at once. The leader's next allocation agrees.
  const Assignment local = local_choice(items);
  for (const auto& item : items) {
    const auto entry = std::find_if(held.begin(), held.end(),
                                    [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
    InterfaceName interface = item.interface;
    if (entry != held.end()) {
      interface = entry->interface;  // taken again: it stays where it is
    } else {
      if (const auto placement = local.placement_of(item.prefix.address)) interface = placement->interface;
      out.push_back(AddAddress{item.prefix, interface});
      held.push_back({item.prefix, interface});
      tickle_taken(item.prefix.address, interface);  // tickles.cc
    }
    // Announced where it is: an address taken again (a resent order) may have moved since.
    announce(item.prefix.address, interface);
    order.hooks.insert(run_hook(HookEvent::kTakeIp, ip_hook_arguments(interface, item.prefix)));
  }
  order.groups_to_announce.assign(groups.begin(), groups.end());
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

// Answers, in order, every order whose hooks are done.
void NodeMachine::State::finish_orders() {
  auto& orders = executor.orders();
  while (!orders.empty() && orders.front().hooks.empty()) {
    OrderInProgress& order = orders.front();
    if (!order.to_remove.empty()) {
      end_connections(order.to_remove);  // tickles.cc: a planned release
      for (const auto& item : order.to_remove) {
        auto entry = std::find_if(held.begin(), held.end(),
                                  [&](const HeldAddress& h) { return h.prefix.address == item.prefix.address; });
        if (entry == held.end()) continue;
        out.push_back(RemoveAddress{entry->prefix, entry->interface});
        const std::uint64_t hook = run_hook(HookEvent::kReleaseIp, ip_hook_arguments(entry->interface, entry->prefix));
        order.hooks.insert(hook);
        if (shutting_down()) stop.releasing(hook, *entry);
        announcements.cancel(entry->prefix.address);
        held.erase(entry);
      }
      order.to_remove.clear();
      continue;  // answer once the releaseip hooks are done
    }
    if (!order.groups_to_announce.empty()) {
      for (const auto& group : order.groups_to_announce) {
        order.hooks.insert(run_hook(HookEvent::kTakeGroup, {group.value()}));
      }
      order.groups_to_announce.clear();
      continue;
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
