// Summaries of measured durations, as the results files and the table report them.
//
// Pure. The median of an even count is the mean of the two middle values; p90 is the
// nearest-rank percentile (the smallest value with at least 90 % of the values at or
// below it), so with few repetitions it is simply one of the measured values.
#pragma once

#include <cstddef>
#include <vector>

namespace tandem::bench {

struct Summary {
  std::size_t count = 0;
  double min_ms = 0;
  double median_ms = 0;
  double p90_ms = 0;
  double max_ms = 0;

  friend bool operator==(const Summary&, const Summary&) = default;
};

// All zeros when `values_ms` is empty.
Summary summarize(std::vector<double> values_ms);

}  // namespace tandem::bench
