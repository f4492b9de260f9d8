// tandem-sim: the deterministic simulator's seed sweep (sim/). Exit 0 only when every
// invariant held in every seed; the last line is always the summary.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "model/ip_group.h"
#include "sim/failover_meter.h"
#include "sim/seed_run.h"

namespace {

using tandem::sim::SeedOutcome;
using tandem::sim::SweepOptions;

struct Arguments {
  std::uint32_t nodes = 5;
  std::uint32_t interfaces = 2;
  std::uint32_t groups = 10;
  std::uint32_t group_size = 2;
  std::string seeds = "1-20";
  std::uint64_t seed = 0;
  double sim_seconds = 20.0;
  bool trace = false;
  double drift_percent = 1.0;
  double loss = 0.0;
  bool no_lock = false;
  bool no_wire = false;
  bool no_planned_stops = false;
  bool no_stalls = false;
  bool probes = false;
  std::string fabrics = "joined";
  std::string on_path_loss = "move";
};

bool parse_number(std::string_view text, std::uint64_t& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

bool parse_seed_range(std::string_view text, std::uint64_t& first, std::uint64_t& last) {
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return parse_number(text, first) && parse_number(text, last);
  return parse_number(text.substr(0, dash), first) && parse_number(text.substr(dash + 1), last) && first <= last;
}

// The options that shape a run, as a command line that replays one seed.
std::string replay_line(const Arguments& a, std::uint64_t seed) {
  std::ostringstream line;
  line << "tandem-sim --seed " << seed << " --nodes " << a.nodes << " --nics " << a.interfaces << " --groups "
       << a.groups << " --group-size " << a.group_size << " --sim-seconds " << a.sim_seconds << " --drift "
       << a.drift_percent << " --loss " << a.loss << (a.no_lock ? " --no-lock" : "") << (a.no_wire ? " --no-wire" : "")
       << (a.no_planned_stops ? " --no-planned-stops" : "") << (a.no_stalls ? " --no-stalls" : "")
       << (a.probes ? " --probes" : "") << " --fabrics " << a.fabrics << " --on-path-loss " << a.on_path_loss
       << " --trace";
  return line.str();
}

SweepOptions sweep_options(const Arguments& a) {
  SweepOptions options;
  options.world.shape = {.nodes = a.nodes,
                         .interfaces = a.interfaces,
                         .groups = a.groups,
                         .group_size = a.group_size,
                         .has_separate_fabrics = a.fabrics == "separate",
                         .on_path_loss = *tandem::parse_path_loss_policy(a.on_path_loss)};
  options.world.has_cluster_lock = !a.no_lock;
  options.world.check_wire = !a.no_wire;
  options.world.drift_max = a.drift_percent / 100.0;
  options.world.network.loss = a.loss;
  options.planned_stops = !a.no_planned_stops;
  options.stalls = !a.no_stalls;
  options.world.probes = a.probes;
  options.sim_time = std::chrono::duration_cast<tandem::Duration>(std::chrono::duration<double>(a.sim_seconds));
  return options;
}

void report(const Arguments& a, const SeedOutcome& outcome, bool traced) {
  for (const auto& violation : outcome.violations) {
    std::cout << "violation: " << violation.invariant << ": " << violation.details << " (seed " << outcome.seed
              << ", at " << std::chrono::duration<double>(violation.at.time_since_epoch()).count() << " s)\n";
  }
  std::cout << "replay: " << replay_line(a, outcome.seed) << "\n";
  if (traced) return;  // the whole trace is above
  std::cout << "last " << outcome.trace_tail.size() << " trace lines of seed " << outcome.seed << ":\n";
  for (const auto& line : outcome.trace_tail) std::cout << "  " << line << "\n";
}

// "1130" for whole milliseconds, "0.42" below 100 ms, where the fraction matters.
std::string milliseconds_text(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, ms >= 100 ? "%.0f" : "%.3g", ms);
  return text;
}

std::string percentiles(const std::vector<tandem::Duration>& samples) {
  if (samples.empty()) return "p50=- p99=-";
  return "p50=" + milliseconds_text(tandem::sim::percentile_ms(samples, 50)) +
         " p99=" + milliseconds_text(tandem::sim::percentile_ms(samples, 99));
}

}  // namespace

int main(int argc, char** argv) {
  Arguments a;
  CLI::App app{"tandem-sim: many real Tandem nodes on a simulated network, through random faults, from seeds"};
  app.add_option("--nodes", a.nodes, "nodes in the cluster")->check(CLI::Range(1u, 1000u));
  app.add_option("--nics", a.interfaces, "public interfaces per node")->check(CLI::Range(1u, 64u));
  app.add_option("--groups", a.groups, "IP groups")->check(CLI::Range(1u, 1022u));
  app.add_option("--group-size", a.group_size, "addresses per group")->check(CLI::Range(1u, 64u));
  auto* seeds = app.add_option("--seeds", a.seeds, "seed range A-B (inclusive)");
  auto* one_seed = app.add_option("--seed", a.seed, "one seed (replay)")->excludes(seeds);
  app.add_option("--sim-seconds", a.sim_seconds, "simulated seconds per seed")->check(CLI::Range(1.0, 100000.0));
  app.add_flag("--trace", a.trace, "print every event of every seed");
  app.add_option("--drift", a.drift_percent, "clock drift bound, in percent")->check(CLI::Range(0.0, 10.0));
  app.add_option("--loss", a.loss, "base message loss probability")->check(CLI::Range(0.0, 0.9));
  app.add_flag("--no-lock", a.no_lock, "no cluster lock: leadership by majority vote");
  app.add_flag("--no-wire", a.no_wire, "skip the encode/decode round trip of every message");
  app.add_flag("--no-planned-stops", a.no_planned_stops,
               "no planned stops (SIGTERM) among the faults: the fault schedule of earlier versions");
  app.add_flag(
      "--no-stalls", a.no_stalls,
      "no stalled daemons (SIGSTOP) and no kills without clean-up among the faults: the schedule of earlier versions");
  app.add_flag("--probes", a.probes,
               "every public interface probes a gateway (reachability probes), and half the link faults are "
               "dead paths behind a live carrier (silent links)");
  app.add_option("--fabrics", a.fabrics,
                 "joined: every address may use every interface; separate: address j of a group on interface "
                 "j mod K only, as on two isolated storage fabrics")
      ->check(CLI::IsMember({"joined", "separate"}));
  app.add_option("--on-path-loss", a.on_path_loss,
                 "every group's policy when its node loses part of it: move (whole, to a node that serves all) "
                 "or stay (keep the rest)")
      ->check(CLI::IsMember({"move", "stay"}));
  CLI11_PARSE(app, argc, argv);

  std::uint64_t first = a.seed;
  std::uint64_t last = a.seed;
  if (one_seed->count() == 0 && !parse_seed_range(a.seeds, first, last)) {
    std::cerr << "tandem-sim: --seeds wants A-B with A <= B, got " << a.seeds << "\n";
    return 2;
  }
  const SweepOptions options = sweep_options(a);
  std::vector<tandem::Duration> interface_failovers;
  std::vector<tandem::Duration> node_failovers;
  std::vector<tandem::Duration> stop_failovers;
  std::uint64_t violations = 0;
  // Wall time only for the seeds-per-second figure: the simulation itself never reads a clock.
  const auto started = std::chrono::steady_clock::now();
  for (std::uint64_t seed = first; seed <= last; ++seed) {
    const SeedOutcome outcome = tandem::sim::run_seed(options, seed, a.trace ? &std::cout : nullptr);
    violations += outcome.violations.size();
    if (!outcome.violations.empty()) report(a, outcome, a.trace);
    if (outcome.spin_ticks > 0) {
      std::cout << "warning: seed " << outcome.seed << ": " << outcome.spin_ticks
                << " busy-loop Ticks, first: " << outcome.first_spin << "\n";
    }
    interface_failovers.insert(interface_failovers.end(), outcome.interface_failovers.begin(),
                               outcome.interface_failovers.end());
    node_failovers.insert(node_failovers.end(), outcome.node_failovers.begin(), outcome.node_failovers.end());
    stop_failovers.insert(stop_failovers.end(), outcome.stop_failovers.begin(), outcome.stop_failovers.end());
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const auto count = last - first + 1;
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.3g", static_cast<double>(count) / (wall > 0 ? wall : 1e-9));
  std::cout << "summary: seeds=" << count << " violations=" << violations << " nic_failover_ms "
            << percentiles(interface_failovers) << " node_failover_ms " << percentiles(node_failovers)
            << " planned_stop_ms " << percentiles(stop_failovers) << " seeds_per_second=" << rate
            << " largest_cluster=" << a.nodes << std::endl;
  return violations == 0 ? 0 : 1;
}
