// MeshCounters: what the peer mesh saw since it started, for `tandem statistics`.
//
// TcpPeerTransport counts as it goes; refusal_cause() sorts an InboundStream error into a
// few stable words for a metric's label, so a label never carries a message's free text.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "base/error.h"

namespace tandem::sys {

struct MeshCounters {
  std::uint64_t connects = 0;  // outgoing connections whose handshake completed
  std::uint64_t accepts = 0;   // incoming connections whose hello verified
  // Incoming connections dropped for a bad hello or frame, by refusal_cause(), plus
  // "handshake_timeout" (no valid hello in time) and "unknown_type" (a frame skipped).
  std::map<std::string, std::uint64_t> refused;

  friend bool operator==(const MeshCounters&, const MeshCounters&) = default;
};

// Why InboundStream broke a stream: before the hello verified (`was_proven` false)
// "unknown_peer" or "bad_hello"; after it "bad_tag" (forged, or made for another
// connection), "replayed", "misrouted" (another sender or receiver) or "malformed".
std::string_view refusal_cause(const Error& error, bool was_proven);

}  // namespace tandem::sys
