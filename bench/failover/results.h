// The benchmark's results: one JSON document (bench/results/failover-*.json) and a short
// table for people. Every repetition is kept in the JSON; the table shows the summaries.
//
// Scenario figures are summarized per IP (every affected IP of every repetition is one
// value) and per repetition (the slowest IP of each: when the whole fault was healed).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "failover/false_failover.h"
#include "failover/footprint.h"
#include "failover/scenario.h"
#include "failover/stats.h"
#include "base/result.h"
#include "lab/lab_plan.h"
#include "model/tunables.h"

namespace tandem::bench {

struct MachineInfo {
  long nproc = 0;
  std::string kernel;        // uname -r
  std::string cpu_model;     // /proc/cpuinfo "model name", if any
  std::string load_average;  // /proc/loadavg at the start: the machine is shared
};

MachineInfo machine_info();

Summary per_ip_summary(const ScenarioResult& scenario);
Summary per_repetition_summary(const ScenarioResult& scenario);

nlohmann::json summary_json(const Summary& summary);
nlohmann::json machine_json(const MachineInfo& machine);
nlohmann::json tunables_json(const Tunables& tunables);
nlohmann::json scenario_json(const ScenarioResult& scenario);
nlohmann::json footprint_json(const Footprint& footprint);
nlohmann::json false_failover_json(const FalseFailoverResult& result);

std::string scenario_table(const std::vector<ScenarioResult>& scenarios);
std::string footprint_table(const Footprint& footprint);
std::string false_failover_text(const FalseFailoverResult& result);

// Writes `document` (indented) to `path`, making its directory first.
Result<void> write_json_file(const std::string& path, const nlohmann::json& document);

// Every `--tunable Name=Value` into the lab's options and into `tunables` (checked).
Result<void> add_tunables(const std::vector<std::string>& given, lab::LabOptions& options, Tunables& tunables);

// "2024-05-01T12:00:00Z" and "20240501-120000", for the document and the file name.
std::string utc_timestamp();
std::string file_timestamp();

}  // namespace tandem::bench
