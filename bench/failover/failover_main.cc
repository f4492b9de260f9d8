// failover_bench: failover times, footprint and false failovers of tandemd, measured in a
// tandem-lab cluster from its client (bench/README.md says how to run it and what the
// figures mean). Needs root. Modes, in the order they run:
//   footprint       RSS and CPU of each idle tandemd over --idle-seconds
//   false-failover  --seconds under load (--load, --busy): any IP move or lost peer?
//   nic node leader --reps repetitions of each fault (scenario.h)
// Writes one JSON document (--out, default bench/results/failover-<UTC time>.json, or
// ./failover-<UTC time>.json when installed) after every mode, and prints tables. Exit status: 0 measured, 1 failed, 2
// bad usage.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "failover/false_failover.h"
#include "failover/footprint.h"
#include "failover/results.h"
#include "failover/scenario.h"
#include "failover/settle.h"
#include "lab/lab.h"

namespace {

using namespace tandem;
using nlohmann::json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
const std::vector<std::string> kModeOrder{"footprint", "false-failover", "nic", "node", "leader", "stall"};

struct Arguments {
  std::vector<std::string> modes{"nic", "node", "leader"};
  int reps = 20;
  std::vector<std::string> tunables;
  int nodes = 3;
  int nics = 2;
  int groups = 3;
  std::string prefix = "tdm-bn";
  int idle_seconds = 30;
  int seconds = 120;
  std::vector<std::string> load{"cpu"};
  int busy = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::string out;
  std::string tandemd = TANDEM_TANDEMD;
  std::string tandem = TANDEM_TANDEM;
  std::string lab_program = TANDEM_LAB_PROGRAM;
  bool keep = false;
  bool is_under_load = false;
};

void add_options(CLI::App& app, Arguments& arguments) {
  app.add_option("modes", arguments.modes,
                 "nic, node, leader, stall, footprint, false-failover (default: nic node leader)")
      ->check(CLI::IsMember({"nic", "node", "leader", "stall", "footprint", "false-failover"}));
  app.add_option("--reps", arguments.reps, "Repetitions of each fault scenario")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--tunable", arguments.tunables, "Name=Value for every node's [tunables] (repeatable)");
  app.add_option("--nodes", arguments.nodes, "Nodes in the lab")->check(CLI::Range(2, 16))->capture_default_str();
  app.add_option("--nics", arguments.nics, "Public NICs per node")->check(CLI::Range(2, 8))->capture_default_str();
  app.add_option("--groups", arguments.groups, "IP groups")->check(CLI::Range(1, 64))->capture_default_str();
  app.add_option("--prefix", arguments.prefix, "The lab's prefix (namespaces, /run/PREFIX)")->capture_default_str();
  app.add_option("--idle-seconds", arguments.idle_seconds, "footprint: the idle window")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--seconds", arguments.seconds, "false-failover: how long the load runs")
      ->check(CLI::Range(1, 86400))
      ->capture_default_str();
  app.add_option("--load", arguments.load, "false-failover: cpu, disk, net (comma-separated)")
      ->delimiter(',')
      ->check(CLI::IsMember({"cpu", "disk", "net"}))
      ->capture_default_str();
  app.add_option("--busy", arguments.busy, "false-failover: busy processes for cpu load (default: nproc)")
      ->check(CLI::Range(0, 64));
  app.add_option("--out", arguments.out,
                 "The JSON results file (default " TANDEM_RESULTS_DIR "/failover-<UTC time>.json)");
  app.add_option("--tandemd", arguments.tandemd, "tandemd's executable")->capture_default_str();
  app.add_option("--tandem", arguments.tandem, "The tandem tool (for `--json leader`); \"\": read the logs")
      ->capture_default_str();
  app.add_option("--tandem-lab", arguments.lab_program, "tandem-lab's executable (runs the probe listeners)")
      ->capture_default_str();
  app.add_flag("--keep", arguments.keep, "Leave the lab up at the end");
  app.add_flag("--under-load", arguments.is_under_load, "Run nic, node and leader under --load and --busy too");
}

Result<lab::UpOptions> up_options(const Arguments& arguments, Tunables& tunables) {
  lab::UpOptions options;
  options.lab.prefix = arguments.prefix;
  options.lab.node_count = arguments.nodes;
  options.lab.public_interface_count = arguments.nics;
  options.lab.group_count = arguments.groups;
  if (auto added = bench::add_tunables(arguments.tunables, options.lab, tunables); !added) return fail(added.error());
  options.tandemd = arguments.tandemd;
  options.lab_program = arguments.lab_program;
  return options;
}

bool wants(const Arguments& arguments, const std::string& mode) {
  return std::find(arguments.modes.begin(), arguments.modes.end(), mode) != arguments.modes.end();
}

json document_head(const Arguments& arguments, const Tunables& tunables, const lab::Lab& lab, int argc, char** argv) {
  std::vector<std::string> command(argv, argv + argc);
  lab::ProbeOptions probe;
  return json{{"benchmark", "failover"},
              {"started", bench::utc_timestamp()},
              {"command", command},
              {"machine", bench::machine_json(bench::machine_info())},
              {"lab",
               {{"prefix", arguments.prefix},
                {"nodes", arguments.nodes},
                {"nics", arguments.nics},
                {"groups", arguments.groups},
                {"public_ips", lab.public_ips().size()}}},
              {"tunables", bench::tunables_json(tunables)},
              {"tunables_given", arguments.tunables},
              {"probe", {{"interval_ms", probe.interval.count()}, {"timeout_ms", probe.timeout.count()}}}};
}

bench::LoadSpec load_spec(const Arguments& arguments, const lab::Lab& lab) {
  bench::LoadSpec load;
  for (const auto& kind : arguments.load) {
    if (kind == "cpu") load.cpu_processes = arguments.busy;
    if (kind == "disk") load.has_disk = true;
    if (kind == "net") load.has_net = true;
  }
  load.client_netns = lab.plan().client_netns;
  load.targets = lab.public_ips();
  return load;
}

// Settles the lab with a prober of its own, then measures with no prober running.
Result<void> run_footprint(const Arguments& arguments, const lab::Lab& lab, json& document) {
  {
    auto session = lab.probe();
    if (!session) return fail(session.error());
    if (auto settled = bench::settle(lab, **session, std::chrono::milliseconds(60000)); !settled)
      return fail(settled.error());
  }
  std::cout << "footprint: idle for " << arguments.idle_seconds << " s..." << std::endl;
  auto footprint = bench::measure_footprint(lab, std::chrono::seconds(arguments.idle_seconds));
  if (!footprint) return fail(footprint.error());
  document["footprint"] = bench::footprint_json(*footprint);
  std::cout << bench::footprint_table(*footprint);
  return success();
}

// The daemons' logs next to the results (FILE.json -> FILE-logs/n0.log ...), before the
// lab and its state dir go.
void keep_logs(const lab::Lab& lab, const std::string& out, json& document) {
  std::filesystem::path dir = out;
  dir.replace_extension();
  dir += "-logs";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  for (const auto& node : lab.plan().nodes) {
    std::filesystem::copy_file(node.paths.log, dir / (node.name + ".log"),
                               std::filesystem::copy_options::overwrite_existing, error);
  }
  if (!error) document["logs"] = dir.string();
}

Result<void> run_modes(const Arguments& arguments, const lab::Lab& lab, json& document, const std::string& out) {
  if (wants(arguments, "footprint")) {
    if (auto done = run_footprint(arguments, lab, document); !done) return done;
    if (auto written = bench::write_json_file(out, document); !written) return written;
  }
  auto session = lab.probe();
  if (!session) return fail(session.error());
  if (wants(arguments, "false-failover")) {
    auto result = bench::measure_false_failovers(lab, **session, load_spec(arguments, lab),
                                                 std::chrono::seconds(arguments.seconds), std::cout);
    if (!result) return fail(result.error());
    document["false_failover"] = bench::false_failover_json(*result);
    std::cout << bench::false_failover_text(*result);
    if (auto written = bench::write_json_file(out, document); !written) return written;
  }
  std::vector<bench::ScenarioResult> scenarios;
  bench::ScenarioContext context{lab, **session, arguments.tandem, std::cout};
  std::optional<bench::LoadProcesses> load;
  if (arguments.is_under_load) {
    const bench::LoadSpec spec = load_spec(arguments, lab);
    auto started = bench::LoadProcesses::start(spec);
    if (!started) return fail(started.error());
    load = std::move(*started);
    document["scenarios_under_load"] = {
        {"cpu_processes", spec.cpu_processes}, {"disk", spec.has_disk}, {"net", spec.has_net}};
  }
  for (const auto& mode : kModeOrder) {
    if (!bench::is_scenario(mode) || !wants(arguments, mode)) continue;
    scenarios.push_back(bench::run_scenario(context, mode, arguments.reps));
    document["scenarios"][mode] = bench::scenario_json(scenarios.back());
    if (auto written = bench::write_json_file(out, document); !written) return written;
  }
  if (!scenarios.empty()) std::cout << "\n" << bench::scenario_table(scenarios);
  return success();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Failover times, footprint and false failovers of tandemd in a tandem-lab cluster.", "failover_bench");
  Arguments arguments;
  add_options(app, arguments);
  CLI11_PARSE(app, argc, argv);
  Tunables tunables;
  auto options = up_options(arguments, tunables);
  if (!options) {
    std::cerr << "failover_bench: " << options.error().message() << "\n";
    return kExitUsage;
  }
  if (::geteuid() != 0) {
    std::cerr << "failover_bench: needs root (it builds network namespaces)\n";
    return kExitUsage;
  }
  const std::string out = arguments.out.empty()
                              ? std::string(TANDEM_RESULTS_DIR) + "/failover-" + bench::file_timestamp() + ".json"
                              : arguments.out;
  std::cout << "building lab " << arguments.prefix << " (" << arguments.nodes << " nodes x " << arguments.nics
            << " NICs x " << arguments.groups << " groups)..." << std::endl;
  auto lab = lab::Lab::up(*options);
  if (!lab) {
    std::cerr << "failover_bench: " << lab.error().message()
              << "\n(the lab may stay up for a look: `tandem-lab --prefix " << arguments.prefix
              << " down` removes it)\n";
    return kExitFailed;
  }
  json document = document_head(arguments, tunables, *lab, argc, argv);
  auto done = run_modes(arguments, *lab, document, out);
  if (!done) document["error"] = done.error().message();
  document["finished"] = bench::utc_timestamp();
  keep_logs(*lab, out, document);
  auto written = bench::write_json_file(out, document);
  // After an error the lab stays up, so that its logs can be read.
  const bool is_kept = arguments.keep || !done;
  if (!is_kept) (void)lab::Lab::down(arguments.prefix);
  std::cout << "results: " << out
            << (is_kept ? "; the lab stays up (`tandem-lab --prefix " + arguments.prefix + " down`)" : "") << "\n";
  if (!done || !written) {
    std::cerr << "failover_bench: " << (done ? written.error() : done.error()).message() << "\n";
    return kExitFailed;
  }
  return 0;
}
