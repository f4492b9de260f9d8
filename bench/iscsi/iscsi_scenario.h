// The iSCSI benchmark's scenarios: a fault, then the I/O outage of every portal of every
// target the fault touches, as the lab's initiator sees it (lab/iscsi_reader.h): from the
// last good READ before the fault to the first good READ after it.
//
//   nic       one public NIC of a node holding a group goes down (eth1 or eth2 in turn):
//             the portals on it are "failed", the group's others "other". Then it comes up.
//   node      a follower holding a group loses power. Then it boots again.
//   leader    the leader loses power (a group is moved to it first if it holds none).
//   movegroup a group moves to a node that holds none (`tandem movegroup`).
//
// A portal with no gap longer than the reader's gap_max across the fault counts 0 ms.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "failover/stats.h"
#include "lab/iscsi_reader.h"
#include "lab/lab.h"

namespace tandem::bench {

struct PortalOutage {
  std::string group;
  std::string portal;
  std::string role;            // "failed", "other" (nic), "moved" (the rest)
  std::int64_t outage_ms = 0;  // 0: no gap longer than gap_max
  int errors = 0;              // failed logins and READs in the outage
  std::string node_before;
  std::string node_after;
};

struct IscsiRepetition {
  int index = 0;
  std::string node;       // where the fault was (movegroup: where the group went)
  std::string interface;  // nic only
  std::vector<PortalOutage> portals;
  std::string error;
};

struct IscsiScenarioResult {
  std::string name;
  std::vector<IscsiRepetition> repetitions;
  std::string aborted;
};

struct IscsiContext {
  const lab::Lab& lab;
  const lab::ProbeSession& session;                         // for settling
  std::vector<std::unique_ptr<lab::IscsiReader>>& readers;  // one per group, as plan().groups
  std::string tandem_program;
  std::ostream& progress;
};

bool is_iscsi_scenario(const std::string& name);
IscsiScenarioResult run_iscsi_scenario(const IscsiContext& context, const std::string& name, int repetitions);

// Per role: the outages of every portal of that role in every repetition. Pure.
Summary role_summary(const IscsiScenarioResult& scenario, const std::string& role);
nlohmann::json iscsi_scenario_json(const IscsiScenarioResult& scenario);
std::string iscsi_table(const std::vector<IscsiScenarioResult>& scenarios);

}  // namespace tandem::bench
