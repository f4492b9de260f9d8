// `tandem gettickles IP`: the tickle list a node knows for one public IP, as the daemon's
// JSON result and as text (control-protocol.md has the JSON):
//
//   Connections for IP 192.0.2.10: 2 (recorded by node 1)
//   SRC: 198.51.100.7:51234 DST: 192.0.2.10:3260
//   SRC: 198.51.100.8:40000 DST: 192.0.2.10:3260
//
// As in CTDB, SRC is the client's end and DST the public IP's (the server's). Pure.
#pragma once

#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "model/ids.h"
#include "model/ip_address.h"
#include "model/tcp_connection.h"

namespace tandem::ctl {

// {"address": IP, "recorded_by": PNN or null, "connections": [{"source": "CLIENT:PORT",
// "destination": "SERVER:PORT"}, ...]}; no list known: recorded_by null, no connections.
nlohmann::json tickles_result(const IpAddress& address, std::optional<NodeId> recorded_by,
                              const std::set<TcpConnection>& connections);

// The text above; a result with a missing or mistyped key is a malformed reply.
Result<std::string> tickles_text(const nlohmann::json& result);

}  // namespace tandem::ctl
