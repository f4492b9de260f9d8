// Waiting until a lab has settled, before each measurement and after each repair.
//
// lab/README.md ("Facts the lab is built on"): a late move left over from the last
// repetition must not land inside the next one. Settled means the prober saw no change for
// `kQuiet` and every IP answers, and the kernel agrees with it: every public IP is on
// exactly one interface, the one it prefers, of a node whose daemon runs; every group is
// whole on one node; the groups are spread over the running nodes within one of each
// other; and the prober's latest answer for each IP names that very place.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/result.h"
#include "lab/lab.h"

namespace tandem::bench {

inline constexpr std::chrono::milliseconds kQuiet{2000};

// Why `status` (with the prober's latest answer per IP, "n1 eth2") is not settled; nullopt
// when it is. Pure.
std::optional<std::string> unsettled_reason(const lab::LabStatus& status,
                                            const std::map<IpAddress, std::string>& answers);

struct Settled {
  lab::LabStatus status;
  std::int64_t waited_ms = 0;
};

// Waits up to `limit`; the error quotes the last reason.
Result<Settled> settle(const lab::Lab& lab, const lab::ProbeSession& session, std::chrono::milliseconds limit);

// The node holding `address` where clients reach it, from a settled status ("" if none).
std::string holder_node(const lab::LabStatus& status, const IpAddress& address);
// Every public IP that `node` holds reachably (on `interface`, or on any when empty).
std::vector<IpAddress> held_by(const lab::LabStatus& status, const std::string& node, const std::string& interface);

}  // namespace tandem::bench
