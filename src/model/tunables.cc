#include "model/tunables.h"

#include <array>

#include "base/text.h"

namespace tandem {

namespace {

constexpr std::array<TunableSpec, 20> kSpecs{{
    {"IPAllocAlgorithm", &Tunables::ip_alloc_algorithm, 2, 0, 2,
     "How groups are placed on nodes: 0 deterministic (group i on node i mod N), "
     "1 non-deterministic (least loaded, no needless moves), 2 LCP2 (as 1, and IPs of one "
     "subnet spread over nodes). 2 is CTDB's default and the best balance for the fewest moves."},
    {"NoIPFailback", &Tunables::no_ip_failback, 0, 0, 1,
     "1: a node that recovers receives no groups back; groups move only when their node "
     "fails. Off by default so that load returns to balance after a repair."},
    {"NoIPHostOnAllDisabled", &Tunables::no_ip_host_on_all_disabled, 1, 0, 1,
     "1: when every node is disabled or unhealthy, none hosts IPs. 0 lets disabled nodes "
     "host them then. On by default (as in CTDB 4): an unhealthy node often cannot serve."},
    {"NoIPTakeover", &Tunables::no_ip_takeover, 0, 0, 1,
     "1: no group is given to a node that does not hold it already; a failed node's "
     "groups stay unhosted. For maintenance; off by default."},
    {"HeartbeatIntervalMs", &Tunables::heartbeat_interval_ms, 100, 10, 10000,
     "How often every node sends a heartbeat to every other node. 100 ms gives five chances "
     "to be heard within DeadTimeoutMs at little cost (CTDB: KeepaliveInterval 5 s)."},
    {"DeadTimeoutMs", &Tunables::dead_timeout_ms, 500, 30, 120000,
     "A peer not heard from (in both directions) for this long is lost. Five heartbeats: a "
     "few lost packets or a busy machine do not fail a node over."},
    {"LeaseTimeoutMs", &Tunables::lease_timeout_ms, 800, 50, 300000,
     "A node serves public IPs only while its lease, renewed by the leader's heartbeats, "
     "runs. Longer than DeadTimeoutMs plus an election, so a new leader renews leases before "
     "they lapse; a failed node's IPs move after about this long."},
    {"LeaseMarginMs", &Tunables::lease_margin_ms, 100, 0, 60000,
     "Added to LeaseTimeoutMs when a leader waits out a lost node's lease: covers clock "
     "drift between nodes (up to 5% of the lease at the defaults) and scheduling delay."},
    {"TakeoverTimeoutMs", &Tunables::takeover_timeout_ms, 2000, 100, 600000,
     "How long one phase of a takeover run waits for the acknowledgement of a node it no "
     "longer hears before that node gains a ban credit (CTDB: TakeoverTimeout 9 s). A node "
     "still heard may be running its hooks: it is waited for up to N x EventScriptTimeoutMs "
     "+ TakeoverTimeoutMs (N stages of hooks, each killed at EventScriptTimeoutMs: 2 for a "
     "release, 4 for a take, whose failure releases what it took), and "
     "resent orders do not start hooks already running."},
    {"MonitorIntervalMs", &Tunables::monitor_interval_ms, 1000, 100, 3600000,
     "How often the monitor hook runs; a failure makes the node UNHEALTHY."},
    {"EventScriptTimeoutMs", &Tunables::event_script_timeout_ms, 30000, 100, 3600000,
     "A hook running longer is killed and counts as failed (CTDB: EventScriptTimeout 30 s). "
     "A slow hook within it is no failure: the leader waits for a node it still hears up to "
     "2 (release) or 4 (take) x EventScriptTimeoutMs + TakeoverTimeoutMs per takeover phase."},
    {"BanPeriodS", &Tunables::ban_period_s, 300, 1, 86400,
     "How long a misbehaving node stays banned (CTDB: RecoveryBanPeriod 300 s)."},
    {"BanCreditsMax", &Tunables::ban_credits_max, 3, 1, 1000,
     "Failed or timed-out takeover steps a node may cause before it is banned."},
    {"AnnounceCount", &Tunables::announce_count, 3, 1, 20,
     "How many gratuitous ARPs (IPv4) or unsolicited neighbour advertisements (IPv6) a node "
     "sends for an address it takes or moves to another interface, the first at once "
     "(keepalived: garp_master_repeat). A client ignores a second update of one neighbour "
     "entry within its locktime (1 s by default) and one frame may be lost: 3 reach a client "
     "that missed or ignored the first. A release or move stops them at once."},
    {"AnnounceIntervalMs", &Tunables::announce_interval_ms, 250, 10, 10000,
     "The time between two announcements of one address (keepalived: garp_master_delay). "
     "250 ms: a client that lost one frame gets the next a quarter of a second later, and "
     "AnnounceCount 3 ends within half a second."},
    {"ProbeIntervalMs", &Tunables::probe_interval_ms, 200, 10, 60000,
     "How often a public interface with probe targets ([reachability] in tandem.conf) sends one "
     "ARP request (IPv4) or neighbour solicitation (IPv6) to each of them (Linux bonding: "
     "arp_interval). 200 ms finds a dead path behind a live carrier within a second at a few "
     "frames a second per target."},
    {"ProbeMisses", &Tunables::probe_misses, 3, 1, 100,
     "Probe rounds in a row in which no target answered that make an interface down for "
     "allocation (its IPs move to another interface of the node). The bound is (ProbeMisses + 1) "
     "x ProbeIntervalMs; 3 rides out a lost frame or two."},
    {"ProbeSuccesses", &Tunables::probe_successes, 2, 1, 100,
     "Probe rounds in a row in which a target answered that bring a down interface back up, so "
     "a path that flickers does not pull IPs back and forth."},
    {"TickleUpdateIntervalMs", &Tunables::tickle_update_interval_ms, 1000, 0, 3600000,
     "How often a node lists the established TCP connections to the public IPs it holds "
     "(sock_diag) and sends the lists to its peers, so that the node that takes an IP over "
     "after a failure can send each client a tickle ACK and the client resets at once "
     "(CTDB: TickleUpdateInterval 20 s). A connection younger than this may be missed. 0 "
     "turns tickle lists and tickle ACKs off: clients of a failed node then wait for their "
     "own TCP timeouts."},
    {"TickleCount", &Tunables::tickle_count, 3, 1, 20,
     "How many tickle ACKs a node sends for each recorded connection of an IP it takes over, "
     "the first with its first announcement (once takeip and takegroup are done) and the rest AnnounceIntervalMs apart "
     "(CTDB sends 3): one lost packet does not leave a client hanging."},
}};

}  // namespace

std::span<const TunableSpec> tunable_specs() { return kSpecs; }

const TunableSpec* find_tunable(std::string_view name) {
  for (const auto& spec : kSpecs) {
    if (equals_ignoring_case(spec.name, name)) return &spec;
  }
  return nullptr;
}

Result<void> set_tunable(Tunables& tunables, std::string_view name, std::uint64_t value) {
  const TunableSpec* spec = find_tunable(name);
  if (spec == nullptr) return fail("", "unknown tunable '" + std::string(name) + "'");
  if (value < spec->min || value > spec->max) {
    return fail("", "tunable " + std::string(spec->name) + " = " + std::to_string(value) + " is out of range " +
                        std::to_string(spec->min) + ".." + std::to_string(spec->max));
  }
  tunables.*(spec->field) = static_cast<std::uint32_t>(value);
  return success();
}

Result<void> set_tunable_text(Tunables& tunables, std::string_view name, std::string_view text) {
  const TunableSpec* spec = find_tunable(name);
  if (spec == nullptr) return fail("", "unknown tunable '" + std::string(name) + "'");
  if (spec->field == &Tunables::ip_alloc_algorithm) {
    for (auto algorithm : {AllocAlgorithm::kDeterministic, AllocAlgorithm::kNonDeterministic, AllocAlgorithm::kLcp2}) {
      if (equals_ignoring_case(text, algorithm_name(algorithm))) {
        tunables.ip_alloc_algorithm = static_cast<std::uint32_t>(algorithm);
        return success();
      }
    }
  }
  auto value = parse_unsigned(text);
  if (!value) {
    return fail(
        "", "tunable " + std::string(spec->name) + " needs a number, not '" + std::string(text) + "'" +
                (spec->field == &Tunables::ip_alloc_algorithm ? " (or deterministic, nondeterministic, lcp2)" : ""));
  }
  return set_tunable(tunables, name, *value);
}

std::string_view algorithm_name(AllocAlgorithm algorithm) {
  switch (algorithm) {
    case AllocAlgorithm::kDeterministic:
      return "deterministic";
    case AllocAlgorithm::kNonDeterministic:
      return "nondeterministic";
    case AllocAlgorithm::kLcp2:
      return "lcp2";
  }
  return "unknown";
}

}  // namespace tandem
