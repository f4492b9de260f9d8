#include "failover/stats.h"

#include <algorithm>
#include <cmath>

namespace tandem::bench {

Summary summarize(std::vector<double> values_ms) {
  Summary summary;
  if (values_ms.empty()) return summary;
  std::sort(values_ms.begin(), values_ms.end());
  const std::size_t count = values_ms.size();
  summary.count = count;
  summary.min_ms = values_ms.front();
  summary.max_ms = values_ms.back();
  summary.median_ms = count % 2 == 1 ? values_ms[count / 2] : (values_ms[count / 2 - 1] + values_ms[count / 2]) / 2;
  const auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(count)));
  summary.p90_ms = values_ms[std::max<std::size_t>(rank, 1) - 1];
  return summary;
}

}  // namespace tandem::bench
