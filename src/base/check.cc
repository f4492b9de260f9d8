#include "base/check.h"

#include <cstdio>
#include <cstdlib>

namespace tandem::detail {

void check_failed(const char* expression, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: TANDEM_CHECK failed: %s\n", file, line, expression);
  std::abort();
}

}  // namespace tandem::detail
