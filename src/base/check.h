// TANDEM_CHECK: invariants that only a bug can break.
//
// Stays on in release builds: a cluster manager that goes on after its own state is
// corrupt can put one address on two nodes. Never use it to validate input; input errors
// are Results.
#pragma once

namespace tandem::detail {
[[noreturn]] void check_failed(const char* expression, const char* file, int line);
}  // namespace tandem::detail

#define TANDEM_CHECK(expression)                                       \
  do {                                                                 \
    if (!(expression)) [[unlikely]] {                                  \
      ::tandem::detail::check_failed(#expression, __FILE__, __LINE__); \
    }                                                                  \
  } while (false)
