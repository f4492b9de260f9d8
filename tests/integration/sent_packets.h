// SentPackets: which interface of a node each public IP's packets leave by, seen on the
// node's own interfaces (test-only).
//
// count_sent_packets() opens one packet socket per interface inside the node's namespace
// and, for `duration`, counts the outgoing IPv4 and IPv6 packets by source address. The
// prober keeps connecting to every public IP meanwhile, so each IP a node holds sends
// replies all the time: they must all leave by the interface that holds it.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "model/ip_address.h"

namespace tandem::integration {

// (interface, source address) -> packets sent.
using SentCounts = std::map<std::pair<std::string, IpAddress>, int>;

Result<SentCounts> count_sent_packets(const std::string& netns, const std::vector<std::string>& interfaces,
                                      std::chrono::milliseconds duration);

}  // namespace tandem::integration
