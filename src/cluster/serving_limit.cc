#include "cluster/serving_limit.h"

namespace tandem::cluster {

std::optional<LimitServing> ServingLimit::renewal(TimePoint lease_until, const std::vector<IpAddress>& addresses) {
  if (is_told(lease_until, addresses)) return std::nullopt;
  told_ = LimitServing{lease_until, addresses};
  return told_;
}

}  // namespace tandem::cluster
