// iscsi_bench: the I/O outage per portal of tgt iSCSI targets served by tandemd in a
// tandem-lab cluster (`up --iscsi`), read every 10 ms through each portal of every group
// by the lab's libiscsi initiator in the client. Scenarios (iscsi_scenario.h): nic, node,
// leader, movegroup, --reps each. Needs root, tgt and libiscsi. Writes one JSON document
// (--out, default bench/results/iscsi-<UTC time>.json) after every scenario, and prints a
// table. Exit status: 0 measured, 1 failed, 2 bad usage.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "failover/results.h"
#include "iscsi/iscsi_scenario.h"
#include "lab/iscsi_reader.h"
#include "lab/lab.h"
#include "lab/lab_iscsi.h"

namespace {

using namespace tandem;
using nlohmann::json;

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

struct Arguments {
  std::vector<std::string> modes{"nic", "node", "leader", "movegroup"};
  int reps = 20;
  std::vector<std::string> tunables;
  int nodes = 3;
  int groups = 2;
  std::string prefix = "tdm-bi";
  std::string out;
  std::string tandemd = TANDEM_TANDEMD;
  std::string tandem = TANDEM_TANDEM;
  std::string lab_program = TANDEM_LAB_PROGRAM;
  std::string iscsi_hook = TANDEM_ISCSI_HOOK;
  bool keep = false;
};

void add_options(CLI::App& app, Arguments& arguments) {
  app.add_option("modes", arguments.modes, "nic, node, leader, movegroup (default: all, in that order)")
      ->check(CLI::IsMember({"nic", "node", "leader", "movegroup"}));
  app.add_option("--reps", arguments.reps, "Repetitions of each scenario")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--tunable", arguments.tunables, "Name=Value for every node's [tunables] (repeatable)");
  app.add_option("--nodes", arguments.nodes, "Nodes in the lab")->check(CLI::Range(3, 16))->capture_default_str();
  app.add_option("--groups", arguments.groups, "IP groups, one target each (fewer than nodes, for movegroup)")
      ->check(CLI::Range(1, 15))
      ->capture_default_str();
  app.add_option("--prefix", arguments.prefix, "The lab's prefix")->capture_default_str();
  app.add_option("--out", arguments.out, "The JSON results file");
  app.add_option("--tandemd", arguments.tandemd, "tandemd's executable")->capture_default_str();
  app.add_option("--tandem", arguments.tandem, "The tandem tool (leader, movegroup)")->capture_default_str();
  app.add_option("--tandem-lab", arguments.lab_program, "tandem-lab's executable")->capture_default_str();
  app.add_option("--iscsi-hook", arguments.iscsi_hook, "The hook to install (examples/iscsi-tgt/60.iscsi-tgt)")
      ->capture_default_str();
  app.add_flag("--keep", arguments.keep, "Leave the lab up at the end");
}

Result<lab::UpOptions> up_options(const Arguments& arguments, Tunables& tunables) {
  lab::UpOptions options;
  options.lab.prefix = arguments.prefix;
  options.lab.node_count = arguments.nodes;
  options.lab.group_count = arguments.groups;
  options.lab.has_iscsi = true;
  if (auto added = bench::add_tunables(arguments.tunables, options.lab, tunables); !added) return fail(added.error());
  options.tandemd = arguments.tandemd;
  options.lab_program = arguments.lab_program;
  options.iscsi_hook = arguments.iscsi_hook;
  return options;
}

Result<std::vector<std::unique_ptr<lab::IscsiReader>>> start_readers(const lab::Lab& lab,
                                                                     const lab::IscsiReaderOptions& options) {
  std::vector<std::unique_ptr<lab::IscsiReader>> readers;
  for (const auto& target : lab::plan_iscsi(lab.plan()).targets) {
    lab::IscsiTargetAddress address{target.iqn, lab::kIscsiLun, {}};
    for (const auto& portal : target.portals) address.portals.push_back(portal.to_string());
    auto reader = lab::IscsiReader::start(lab.plan().client_netns, address, options);
    if (!reader) return fail(reader.error());
    readers.push_back(std::move(*reader));
  }
  return readers;
}

Result<void> run_modes(const Arguments& arguments, const lab::Lab& lab, json& document, const std::string& out) {
  lab::IscsiReaderOptions reader_options;
  reader_options.gap_max = std::chrono::milliseconds(15);  // a READ every 10 ms: anything longer is an outage
  document["reader"] = {{"interval_ms", reader_options.interval.count()},
                        {"login_timeout_ms", reader_options.login_timeout.count()},
                        {"command_timeout_ms", reader_options.command_timeout.count()},
                        {"gap_max_ms", reader_options.gap_max.count()}};
  auto readers = start_readers(lab, reader_options);
  if (!readers) return fail(readers.error());
  auto session = lab.probe();
  if (!session) return fail(session.error());
  bench::IscsiContext context{lab, **session, *readers, arguments.tandem, std::cout};
  std::vector<bench::IscsiScenarioResult> scenarios;
  for (const auto* mode : {"nic", "node", "leader", "movegroup"}) {
    if (std::find(arguments.modes.begin(), arguments.modes.end(), mode) == arguments.modes.end()) continue;
    scenarios.push_back(bench::run_iscsi_scenario(context, mode, arguments.reps));
    document["scenarios"][mode] = bench::iscsi_scenario_json(scenarios.back());
    if (auto written = bench::write_json_file(out, document); !written) return written;
  }
  std::cout << "\n" << bench::iscsi_table(scenarios);
  return success();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("I/O outage per iSCSI portal (tgt, libiscsi) of tandemd failovers in a tandem-lab cluster.",
               "iscsi_bench");
  Arguments arguments;
  add_options(app, arguments);
  CLI11_PARSE(app, argc, argv);
  Tunables tunables;
  auto options = up_options(arguments, tunables);
  if (!options || arguments.groups >= arguments.nodes) {
    std::cerr << "iscsi_bench: " << (options ? "--groups must be fewer than --nodes" : options.error().message())
              << "\n";
    return kExitUsage;
  }
  if (::geteuid() != 0) {
    std::cerr << "iscsi_bench: needs root (it builds network namespaces)\n";
    return kExitUsage;
  }
  const std::string out = arguments.out.empty()
                              ? std::string(TANDEM_RESULTS_DIR) + "/iscsi-" + bench::file_timestamp() + ".json"
                              : arguments.out;
  auto lab = lab::Lab::up(*options);
  if (!lab) {
    std::cerr << "iscsi_bench: " << lab.error().message() << "\n(`tandem-lab --prefix " << arguments.prefix
              << " down` removes the lab)\n";
    return kExitFailed;
  }
  std::vector<std::string> command(argv, argv + argc);
  json document{
      {"benchmark", "iscsi"},
      {"started", bench::utc_timestamp()},
      {"command", command},
      {"machine", bench::machine_json(bench::machine_info())},
      {"lab", {{"prefix", arguments.prefix}, {"nodes", arguments.nodes}, {"nics", 2}, {"groups", arguments.groups}}},
      {"tunables", bench::tunables_json(tunables)},
      {"tunables_given", arguments.tunables}};
  auto done = run_modes(arguments, *lab, document, out);
  if (!done) document["error"] = done.error().message();
  document["finished"] = bench::utc_timestamp();
  auto written = bench::write_json_file(out, document);
  const bool is_kept = arguments.keep || !done;
  if (!is_kept) (void)lab::Lab::down(arguments.prefix);
  std::cout << "results: " << out << (is_kept ? "; the lab stays up" : "") << "\n";
  if (!done || !written) {
    std::cerr << "iscsi_bench: " << (done ? written.error() : done.error()).message() << "\n";
    return kExitFailed;
  }
  return 0;
}
