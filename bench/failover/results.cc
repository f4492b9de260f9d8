#include "failover/results.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <ctime>
#include <fstream>
#include <sstream>

#include "base/text.h"

namespace tandem::bench {
namespace {

using nlohmann::json;

std::string first_line_of(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  std::getline(file, line);
  return line;
}

std::string cpu_model() {
  std::ifstream file("/proc/cpuinfo");
  std::string line;
  while (std::getline(file, line)) {
    if (!line.starts_with("model name")) continue;
    auto colon = line.find(':');
    if (colon != std::string::npos) return std::string(trim(std::string_view(line).substr(colon + 1)));
  }
  return "";
}

json log_json(const LogEvents& log) {
  return json{{"leader_lost", log.leader_lost},
              {"stepped_down", log.stepped_down},
              {"released_all", log.released_all},
              {"became_leader", log.became_leader},
              {"lock_lost", log.lock_lost},
              {"banned", log.banned},
              {"takeover_runs", log.takeover_runs},
              {"peer_disconnected", log.peer_disconnected},
              {"lines", log.lines}};
}

int unexpected_count(const ScenarioResult& scenario) {
  int count = 0;
  for (const auto& repetition : scenario.repetitions) count += repetition.unexpected_log_lines;
  return count;
}

json repetition_json(const Repetition& repetition) {
  json failovers = json::array();
  for (const auto& failover : repetition.failovers) {
    failovers.push_back({{"ip", failover.ip},
                         {"answer", failover.answer},
                         {"ms", failover.duration_ms},
                         {"failed_attempts", failover.failed_attempts}});
  }
  json out{{"repetition", repetition.index + 1},
           {"node", repetition.node},
           {"failovers", failovers},
           {"settle_ms", repetition.settle_ms},
           {"fault_took_ms", repetition.fault_took_ms}};
  if (!repetition.interface.empty()) out["interface"] = repetition.interface;
  if (!repetition.leader.empty()) out["leader"] = {{"node", repetition.leader}, {"found_by", repetition.leader_method}};
  if (repetition.failback_ms) out["failback_ms"] = *repetition.failback_ms;
  if (!repetition.error.empty()) out["error"] = repetition.error;
  out["log"] = log_json(repetition.log);
  out["unexpected_log_lines"] = repetition.unexpected_log_lines;
  return out;
}

std::string format(const char* pattern, double value) {
  char text[32];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string timestamp(const char* pattern) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, pattern, &utc);
  return text;
}

int error_count(const ScenarioResult& scenario) {
  int errors = 0;
  for (const auto& repetition : scenario.repetitions) errors += repetition.error.empty() ? 0 : 1;
  return errors;
}

}  // namespace

Result<void> write_json_file(const std::string& path, const json& document) {
  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ignored);
  std::ofstream file(path);
  file << document.dump(2) << "\n";
  if (!file) return fail(path, "cannot write");
  return success();
}

Result<void> add_tunables(const std::vector<std::string>& given, lab::LabOptions& options, Tunables& tunables) {
  for (const auto& tunable : given) {
    auto assignment = lab::parse_tunable_argument(tunable);
    if (!assignment) return fail(assignment.error());
    const auto& [name, value] = *assignment;
    if (auto set = set_tunable_text(tunables, name, value); !set)
      return fail("--tunable " + tunable, set.error().cause);
    options.tunables.push_back(*assignment);
  }
  return success();
}

json summary_json(const Summary& summary) {
  return json{{"count", summary.count},
              {"min_ms", summary.min_ms},
              {"median_ms", summary.median_ms},
              {"p90_ms", summary.p90_ms},
              {"max_ms", summary.max_ms}};
}

MachineInfo machine_info() {
  MachineInfo machine;
  machine.nproc = ::sysconf(_SC_NPROCESSORS_ONLN);
  utsname name{};
  if (::uname(&name) == 0) machine.kernel = name.release;
  machine.cpu_model = cpu_model();
  machine.load_average = first_line_of("/proc/loadavg");
  return machine;
}

Summary per_ip_summary(const ScenarioResult& scenario) {
  std::vector<double> values;
  for (const auto& repetition : scenario.repetitions) {
    for (const auto& failover : repetition.failovers) values.push_back(static_cast<double>(failover.duration_ms));
  }
  return summarize(std::move(values));
}

Summary per_repetition_summary(const ScenarioResult& scenario) {
  std::vector<double> values;
  for (const auto& repetition : scenario.repetitions) {
    if (!repetition.error.empty() || repetition.failovers.empty()) continue;
    std::int64_t slowest = 0;
    for (const auto& failover : repetition.failovers) slowest = std::max(slowest, failover.duration_ms);
    values.push_back(static_cast<double>(slowest));
  }
  return summarize(std::move(values));
}

json machine_json(const MachineInfo& machine) {
  return json{{"nproc", machine.nproc},
              {"kernel", machine.kernel},
              {"cpu_model", machine.cpu_model},
              {"load_average_at_start", machine.load_average}};
}

json tunables_json(const Tunables& tunables) {
  json out = json::object();
  for (const auto& spec : tunable_specs()) out[std::string(spec.name)] = tunables.*(spec.field);
  return out;
}

json scenario_json(const ScenarioResult& scenario) {
  json repetitions = json::array();
  for (const auto& repetition : scenario.repetitions) repetitions.push_back(repetition_json(repetition));
  json out{{"repetitions_asked", scenario.repetitions_asked},
           {"errors", error_count(scenario)},
           {"unexpected_log_lines", unexpected_count(scenario)},
           {"per_ip", summary_json(per_ip_summary(scenario))},
           {"per_repetition_slowest_ip", summary_json(per_repetition_summary(scenario))},
           {"repetitions", repetitions}};
  if (!scenario.aborted.empty()) out["aborted"] = scenario.aborted;
  return out;
}

json footprint_json(const Footprint& footprint) {
  json nodes = json::array();
  for (const auto& node : footprint.nodes) {
    nodes.push_back({{"node", node.node},
                     {"pid", node.pid},
                     {"vm_rss_kib", node.memory.rss_kib},
                     {"vm_hwm_kib", node.memory.hwm_kib},
                     {"cpu_ticks", node.cpu_ticks},
                     {"cpu_percent_of_one_core", node.cpu_percent}});
  }
  return json{
      {"idle_seconds", footprint.idle_seconds}, {"clock_ticks_per_second", ::sysconf(_SC_CLK_TCK)}, {"nodes", nodes}};
}

json false_failover_json(const FalseFailoverResult& result) {
  json changes = json::array();
  for (const auto& change : result.place_changes) {
    changes.push_back({{"t_ms", change.t_ms}, {"ip", change.ip}, {"from", change.from}, {"to", change.to}});
  }
  return json{
      {"seconds", result.seconds},
      {"load",
       {{"cpu_processes", result.load.cpu_processes}, {"disk", result.load.has_disk}, {"net", result.load.has_net}}},
      {"is_free_of_false_failovers", result.is_free()},
      {"place_changes", changes},
      {"kernel_places_unchanged", result.is_kernel_unchanged},
      {"failed_probe_attempts", result.failed_attempts},
      {"log", log_json(result.log)}};
}

std::string scenario_table(const std::vector<ScenarioResult>& scenarios) {
  std::string text =
      "scenario  reps  IPs  errors  unexp    min  median     p90     max   (ms, fault -> IP answers again)\n";
  for (const auto& scenario : scenarios) {
    const Summary summary = per_ip_summary(scenario);
    char line[160];
    std::snprintf(line, sizeof line, "%-8s %5zu %4zu %7d %6d %6.0f %7.1f %7.0f %7.0f\n", scenario.name.c_str(),
                  scenario.repetitions.size(), summary.count, error_count(scenario), unexpected_count(scenario),
                  summary.min_ms, summary.median_ms, summary.p90_ms, summary.max_ms);
    text += line;
    if (!scenario.aborted.empty()) text += "  (stopped " + scenario.aborted + ")\n";
  }
  text += "unexp: lost/leader lines in the daemons' logs that the fault does not explain (JSON: log.lines)\n";
  return text;
}

std::string footprint_table(const Footprint& footprint) {
  std::string text = "node      pid   VmRSS KiB   VmHWM KiB   CPU % of one core (idle " +
                     format("%.0f", footprint.idle_seconds) + " s)\n";
  for (const auto& node : footprint.nodes) {
    char line[160];
    std::snprintf(line, sizeof line, "%-5s %8d %11llu %11llu   %.3f\n", node.node.c_str(), node.pid,
                  static_cast<unsigned long long>(node.memory.rss_kib),
                  static_cast<unsigned long long>(node.memory.hwm_kib), node.cpu_percent);
    text += line;
  }
  return text;
}

std::string false_failover_text(const FalseFailoverResult& result) {
  std::ostringstream text;
  text << "false-failover: " << format("%.0f", result.seconds) << " s under " << result.load.cpu_processes
       << " busy process(es)" << (result.load.has_disk ? " + disk" : "") << (result.load.has_net ? " + net" : "")
       << ": " << result.place_changes.size() << " IP moves seen by the prober, " << result.log.false_failover_lines()
       << " lost/leader lines in the logs, kernel " << (result.is_kernel_unchanged ? "unchanged" : "CHANGED") << ", "
       << result.failed_attempts << " probe attempts without answer, " << result.log.takeover_runs
       << " takeover runs -> " << (result.is_free() ? "FREE of false failovers" : "FALSE FAILOVERS") << "\n";
  for (const auto& change : result.place_changes) {
    text << "  +" << change.t_ms << " ms " << change.ip << ": " << change.from << " -> " << change.to << "\n";
  }
  for (const auto& line : result.log.lines) text << "  " << line << "\n";
  return text.str();
}

std::string utc_timestamp() { return timestamp("%Y-%m-%dT%H:%M:%SZ"); }
std::string file_timestamp() { return timestamp("%Y%m%d-%H%M%S"); }

}  // namespace tandem::bench
