#include "cluster/order_executor.h"

#include <algorithm>

namespace tandem::cluster {

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
    if (!ok) order.failures.push_back({IpAddress(), proto::FailureCause::kHookFailed, "a hook failed"});
    return true;
  }
  return false;
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
    return std::any_of(order.to_remove.begin(), order.to_remove.end(),
                       [&](const proto::TakeoverItem& item) { return item.prefix.address == address; });
  });
}

}  // namespace tandem::cluster
