// ChaosSchedule: a random fault schedule for `tandem-lab chaos`, decided before it runs.
//
// Pure: make_chaos_schedule() turns a seed, a duration and the lab's shape into a list of
// timed faults, with no clock, no kernel and no lab. The same inputs always give the same
// list (the generator is splitmix64 with its own uniform draw, never a std distribution,
// whose output differs between standard libraries), so a failing run replays from its seed.
// The runner (lab/chaos_run.h) carries the list out against a real lab.
//
// What every schedule keeps true (tested in chaos_schedule_test.cc), so that the cluster
// can always recover and a bad end is Tandem's fault, not the schedule's:
//  - At every instant a majority of the nodes are members (powered, daemon running and not
//    stalled, on the majority side of any partition), and at least one of them is whole
//    (every public interface up, every path live): the cluster keeps a leader and a node
//    that can host every group.
//  - A stall ends (kResume) before the end; nothing else happens to a stalled node.
//  - At `duration` the final heal undoes every fault still in effect (heal, nic-up,
//    livepath, restart, start), each marked `is_final_heal`; after it every node is whole.
//
// Fault kinds are a table (chaos_fault_specs()): each entry names its verb, its weight and
// which faults of its kind the current state allows. An entry of weight 0 is never drawn.
// Dead paths with the carrier up (`tandem-lab deadpath`/`livepath`) have their kinds, state
// and final heal here, and entries of weight 0 until the lab has those verbs.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace tandem::lab {

enum class FaultKind {
  kNicDown,        // the switch port of NODE's INTERFACE down: NO-CARRIER (tandem-lab nic-down)
  kNicUp,          // ... up again
  kCrash,          // power loss: every port down, SIGKILL of tandemd
  kRestart,        // power back: addresses flushed, ports up, tandemd started
  kKill,           // daemon crash, then `tandemd --release-all` (systemd's ExecStopPost)
  kKillAlone,      // SIGKILL alone (kill --no-release-all): the addresses stay in the kernel
  kStart,          // tandemd started again after a kill
  kPartition,      // the private network of `nodes` (a minority) cut off from the rest
  kHeal,           // the private network joined again
  kStall,          // SIGSTOP of NODE's tandemd; its kResume comes `span` later
  kResume,         // SIGCONT: the end of a stall
  kDeleteAddress,  // public IP number `address_index` removed from its holder's kernel
  kDeadPath,       // frames on NODE's INTERFACE dropped, carrier up (tandem-lab deadpath)
  kLivePath,       // ... forwarded again (tandem-lab livepath)
};

// The verb's name: "nic-down", "kill --no-release-all", "deladdr", ...
std::string_view fault_kind_name(FaultKind kind);

struct Fault {
  std::int64_t at_ms = 0;  // from the start of the run
  FaultKind kind = FaultKind::kHeal;
  int node = -1;               // index of the node, or -1
  int interface = 0;           // public interface k (eth<k>), k >= 1; 0 when none
  std::vector<int> nodes;      // kPartition: the cut-off side
  std::int64_t span_ms = 0;    // kStall: until its kResume
  int address_index = -1;      // kDeleteAddress: into the lab's public IPs (Lab::public_ips)
  bool is_final_heal = false;  // part of the heal at the end

  friend bool operator==(const Fault&, const Fault&) = default;
};

// "nic-down n0 eth1", "partition n1 n2", "stall n2 1.250", "deladdr #3".
std::string fault_text(const Fault& fault);

struct ChaosShape {
  int node_count = 3;
  int interface_count = 2;  // public interfaces per node (eth1..ethK)
  int address_count = 6;    // public IPs of the lab
};

struct ChaosOptions {
  std::uint64_t seed = 1;
  std::chrono::milliseconds duration{120000};  // the final heal happens then
  std::chrono::milliseconds gap_min{500};      // between two drawn faults
  std::chrono::milliseconds gap_max{2500};
  std::chrono::milliseconds stall_min{300};
  std::chrono::milliseconds stall_max{3000};
};

// The state of the lab as the schedule has made it so far.
struct ChaosNode {
  bool is_powered = true;
  bool is_daemon_running = true;
  bool is_stalled = false;
  bool is_cut_off = false;
  std::vector<bool> is_link_down;  // [k - 1] for eth<k>
  std::vector<bool> is_path_dead;  // [k - 1] for eth<k>

  // A member of the cluster: it runs and reaches the majority.
  bool is_member() const { return is_powered && is_daemon_running && !is_stalled && !is_cut_off; }
  // A member that can host any group.
  bool is_whole() const;
};

struct ChaosState {
  std::vector<ChaosNode> nodes;
  bool is_partitioned = false;

  explicit ChaosState(const ChaosShape& shape);
  // Applies `fault` (as it will be in effect once carried out).
  void apply(const Fault& fault);
  // The invariant above: a majority are members, one of them whole.
  bool can_recover() const;
  int member_count() const;
};

// splitmix64 with an unbiased draw below a bound.
class ChaosRandom {
 public:
  explicit ChaosRandom(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, bound); bound > 0.
  std::uint64_t below(std::uint64_t bound);
  // Uniform in [low, high]; low <= high.
  std::int64_t between(std::int64_t low, std::int64_t high);

 private:
  std::uint64_t state_;
};

// One kind of fault the schedule may draw.
struct FaultSpec {
  FaultKind kind;
  int weight;  // relative; 0: never drawn
  // Every fault of this kind that `state` allows now, before any invariant check; random
  // parameters (a stall's span) are filled after the draw. At and is_final_heal unset.
  std::vector<Fault> (*candidates)(const ChaosState& state, const ChaosShape& shape);
};

// The table the schedule draws from (lab/chaos_schedule.cc).
std::span<const FaultSpec> chaos_fault_specs();

// Checks the shape and options: a clear error for a duration too short, gaps out of order.
Result<void> check_chaos_options(const ChaosShape& shape, const ChaosOptions& options);

// The schedule: faults in time order (at_ms never decreases), the final heal last.
std::vector<Fault> make_chaos_schedule(const ChaosShape& shape, const ChaosOptions& options);
// As above, drawing from `specs` instead of chaos_fault_specs() (tests).
std::vector<Fault> make_chaos_schedule(const ChaosShape& shape, const ChaosOptions& options,
                                       std::span<const FaultSpec> specs);

}  // namespace tandem::lab
