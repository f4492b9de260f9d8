// Tunables: the cluster's adjustable numbers, under CTDB's names where CTDB has them.
//
// Every tunable is an unsigned integer with a default, a range and the reason for its
// default, listed once in tunable_specs(); the config parser, `tandem alloc` and (later)
// getvar/setvar all go through that one table, so a name is known everywhere or nowhere.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/result.h"

namespace tandem {

enum class AllocAlgorithm : std::uint32_t {
  kDeterministic = 0,     // CTDB 0: group i goes to node i mod N; history is ignored
  kNonDeterministic = 1,  // CTDB 1: least-loaded node, groups stay where they are
  kLcp2 = 2,              // CTDB 2: as 1, and IPs of one subnet repel each other
};

struct Tunables {
  std::uint32_t ip_alloc_algorithm = static_cast<std::uint32_t>(AllocAlgorithm::kLcp2);
  std::uint32_t no_ip_failback = 0;
  std::uint32_t no_ip_host_on_all_disabled = 1;
  std::uint32_t no_ip_takeover = 0;
  // Timing of the cluster protocol (docs/design/cluster.md says why each default is what it is).
  std::uint32_t heartbeat_interval_ms = 100;
  std::uint32_t dead_timeout_ms = 500;
  std::uint32_t lease_timeout_ms = 800;
  std::uint32_t lease_margin_ms = 100;
  std::uint32_t takeover_timeout_ms = 2000;
  std::uint32_t monitor_interval_ms = 1000;
  std::uint32_t event_script_timeout_ms = 30000;
  std::uint32_t ban_period_s = 300;
  std::uint32_t ban_credits_max = 3;
  // Announcements of a taken or moved address (src/cluster/announcement_schedule.h).
  std::uint32_t announce_count = 3;
  std::uint32_t announce_interval_ms = 250;
  // Reachability probes of public interfaces with probe targets (src/cluster/reachability.h).
  std::uint32_t probe_interval_ms = 200;
  std::uint32_t probe_misses = 3;
  std::uint32_t probe_successes = 2;
  // Tickle ACKs after a takeover (src/cluster/tickle_lists.h); 0 turns them off.
  std::uint32_t tickle_update_interval_ms = 1000;
  std::uint32_t tickle_count = 3;

  AllocAlgorithm algorithm() const { return static_cast<AllocAlgorithm>(ip_alloc_algorithm); }

  friend bool operator==(const Tunables&, const Tunables&) = default;
};

struct TunableSpec {
  std::string_view name;  // CTDB's spelling, e.g. "NoIPFailback"
  std::uint32_t Tunables::*field;
  std::uint32_t default_value;
  std::uint32_t min;
  std::uint32_t max;
  std::string_view description;  // what it does and why the default is what it is
};

std::span<const TunableSpec> tunable_specs();

// Case-insensitive, like CTDB's setvar.
const TunableSpec* find_tunable(std::string_view name);

// Sets `name` to `value`, checking the name and the range.
Result<void> set_tunable(Tunables& tunables, std::string_view name, std::uint64_t value);

// IPAllocAlgorithm as CTDB's number ("2") or its name ("lcp2", "deterministic",
// "nondeterministic"); other tunables take only numbers.
Result<void> set_tunable_text(Tunables& tunables, std::string_view name, std::string_view text);

std::string_view algorithm_name(AllocAlgorithm algorithm);

}  // namespace tandem
