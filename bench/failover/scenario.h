// The failover scenarios: a fault, then the time until each affected public IP answers
// the client again from where it should, then a repair and a wait until settled.
//
//   nic     the switch port of one public NIC of a group's node goes down; its IPs must
//           answer from the same node's other NIC. Then the port comes up again.
//   node    a follower holding a group loses power; its IPs must answer from another
//           node. Then it boots again.
//   leader  the leader loses power; its IPs must answer from another node. Then it boots.
//   stall   a follower holding a group is stopped (SIGSTOP); its IPs must answer from
//           another node while its kernel still has them (the kernel's serving limit
//           silenced them). Then it continues (SIGCONT) and releases them.
//
// Each figure is FailoverClock's: from the return of the fault method to the first answer
// from the expected place, of a connect attempt started after the fault (lab/probe_session.h).
// The node and interface vary from repetition to repetition (group r mod G).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "failover/daemon_log.h"
#include "lab/lab.h"

namespace tandem::bench {

struct IpFailover {
  std::string ip;
  std::string answer;  // the first accepted answer, "n1 eth2"
  std::int64_t duration_ms = 0;
  int failed_attempts = 0;  // connect attempts started meanwhile that got no answer
};

struct Repetition {
  int index = 0;
  std::string node;       // where the fault was
  std::string interface;  // nic only
  std::string leader;     // the leader before the fault, and how it was found
  std::string leader_method;
  std::vector<IpFailover> failovers;
  std::int64_t fault_took_ms = 0;           // how long the fault method ran (the clock starts at its end)
  std::optional<std::int64_t> failback_ms;  // nic: until the IPs answered from the NIC again
  std::int64_t settle_ms = 0;               // the wait before the fault
  std::string error;                        // set when the repetition failed; failovers may be partial
  LogEvents log;                            // what the daemons logged from the fault until settled again
  int unexpected_log_lines = 0;             // of those, lines this fault does not explain
};

struct ScenarioResult {
  std::string name;
  int repetitions_asked = 0;
  std::vector<Repetition> repetitions;
  std::string aborted;  // why the scenario stopped early, if it did
};

struct ScenarioContext {
  const lab::Lab& lab;
  const lab::ProbeSession& session;
  std::string tandem_program;  // for the leader; "" reads the logs only
  std::ostream& progress;
};

bool is_scenario(const std::string& name);

// The lost/leader lines (LogEvents::false_failover_lines) that a fault of scenario `name`
// does not explain: a leader crash explains one "leader N lost" per surviving node and one
// "became leader"; a NIC or follower failure explains none. A lease lapsing on a survivor,
// a step-down, a ban or a second election is always unexplained. Pure.
int unexpected_lines(const std::string& name, const LogEvents& events, int node_count);

// Runs `repetitions` of scenario `name`; a repetition that fails is recorded and the next
// one runs, unless the lab does not settle (then the scenario stops, with `aborted`).
ScenarioResult run_scenario(const ScenarioContext& context, const std::string& name, int repetitions);

}  // namespace tandem::bench
