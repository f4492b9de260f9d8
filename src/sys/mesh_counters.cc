#include "sys/mesh_counters.h"

namespace tandem::sys {

std::string_view refusal_cause(const Error& error, bool was_proven) {
  const auto has = [&](std::string_view words) { return error.cause.find(words) != std::string::npos; };
  if (has("not a configured peer")) return "unknown_peer";
  if (!was_proven) return "bad_hello";
  if (has("authentication tag")) return "bad_tag";
  if (has("replayed")) return "replayed";
  if (has("speaks for node") || has("meant for node")) return "misrouted";
  return "malformed";
}

}  // namespace tandem::sys
