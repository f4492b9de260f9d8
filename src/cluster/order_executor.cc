#include "cluster/order_executor.h"

#include <algorithm>

namespace tandem::cluster {

bool Arrival::names(const IpAddress& address) const {
  return std::any_of(items.begin(), items.end(),
                     [&](const proto::TakeoverItem& item) { return item.prefix.address == address; });
}

bool OrderExecutor::admit(const RunStamp& stamp) {
  const bool same_leader_life = newest_ && newest_->leader == stamp.leader && newest_->incarnation == stamp.incarnation;
  if (same_leader_life && std::tie(stamp.epoch, stamp.run_id) < std::tie(newest_->epoch, newest_->run_id)) return false;
  newest_ = stamp;
  return true;
}

void OrderExecutor::record_applied(std::uint64_t epoch, std::uint64_t run_id) {
  if (std::tie(epoch, run_id) <= std::tie(applied_epoch_, applied_run_id_)) return;
  applied_epoch_ = epoch;
  applied_run_id_ = run_id;
}

bool OrderExecutor::is_under_way(NodeId leader, std::uint64_t epoch, std::uint64_t run_id,
                                 proto::TakeoverKind kind) const {
  return std::any_of(orders_.begin(), orders_.end(), [&](const OrderInProgress& order) {
    return order.leader == leader && order.epoch == epoch && order.run_id == run_id && order.kind == kind;
  });
}

bool OrderExecutor::on_hook(std::uint64_t hook, bool ok) {
  for (auto& order : orders_) {
    if (order.hooks.erase(hook) == 0) continue;
    if (ok) {
      for (auto& arrival : order.arrivals) arrival.hooks.erase(hook);
      return true;
    }
    const auto arrival = std::find_if(order.arrivals.begin(), order.arrivals.end(),
                                      [&](Arrival& each) { return each.hooks.erase(hook) > 0; });
    if (arrival == order.arrivals.end()) {
      order.failures.push_back({IpAddress(), proto::FailureCause::kHookFailed, "a hook failed"});
      return true;
    }
    const std::string what = arrival->group ? "group " + arrival->group->value() : "address";
    order.failures.push_back({arrival->items.front().prefix.address, proto::FailureCause::kHookFailed,
                              "a hook failed: the " + what + " is released unannounced"});
    arrival->has_failed = true;
    return true;
  }
  return false;
}

void OrderExecutor::on_add_refused(const IpAddress& address) {
  for (auto& order : orders_) {
    for (auto& arrival : order.arrivals) {
      if (arrival.is_taking() && arrival.to_announce.contains(address)) arrival.has_failed = true;
    }
  }
}

void OrderExecutor::abandon_arrivals() {
  for (auto& order : orders_) {
    for (auto& arrival : order.arrivals) {
      if (arrival.is_taking()) arrival.is_abandoned = true;  // one releasing goes on releasing
    }
  }
}

void OrderExecutor::fail_all(const proto::TakeoverFailure& failure) {
  for (auto& order : orders_) order.failures.push_back(failure);
}

const OrderInProgress* OrderExecutor::stop_release() const {
  const OrderInProgress* stop = nullptr;
  for (const auto& order : orders_) {
    if (order.is_shutdown) stop = &order;
  }
  return stop;
}

bool OrderExecutor::is_releasing(const IpAddress& address) const {
  return std::any_of(orders_.begin(), orders_.end(), [&](const OrderInProgress& order) {
    const bool is_removed =
        std::any_of(order.to_remove.begin(), order.to_remove.end(),
                    [&](const proto::TakeoverItem& item) { return item.prefix.address == address; });
    return is_removed || std::any_of(order.arrivals.begin(), order.arrivals.end(), [&](const Arrival& arrival) {
             return arrival.is_releasing() && arrival.names(address);
           });
  });
}

bool OrderExecutor::is_taking(const IpAddress& address) const {
  return std::any_of(orders_.begin(), orders_.end(), [&](const OrderInProgress& order) {
    return std::any_of(order.arrivals.begin(), order.arrivals.end(), [&](const Arrival& arrival) {
      return arrival.is_taking() && !arrival.is_abandoned && arrival.to_announce.contains(address);
    });
  });
}

}  // namespace tandem::cluster
