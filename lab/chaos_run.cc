#include "lab/chaos_run.h"

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "lab/command_runner.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "lab/probe_session.h"

namespace tandem::lab {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kPoll{20};
// Rounds younger than this many rounds may still get replies: not judged yet.
constexpr std::uint64_t kRoundsInFlight = 3;

std::string seconds_text(std::int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%8.3f s", static_cast<double>(ms) / 1000.0);
  return text;
}

std::string owners_text(const std::set<std::string>& owners) {
  std::string text;
  for (const auto& owner : owners) text += (text.empty() ? "" : " ") + owner;
  return text;
}

std::string node_name(int index) { return "n" + std::to_string(index); }

// Watches the client's wire and answers while the schedule runs, and judges it.
class ChaosJudge {
 public:
  ChaosJudge(const Lab& lab, std::unique_ptr<ArpWatcher> watcher, std::unique_ptr<ProbeSession> session,
             std::ostream& out)
      : lab_(lab), watcher_(std::move(watcher)), session_(std::move(session)), out_(out) {
    next_round_ = watcher_->rounds();
  }

  void start(std::int64_t start_ms) { start_ms_ = start_ms; }
  std::int64_t elapsed_ms() const { return monotonic_ms() - start_ms_; }

  // Looks at the rounds answered since the last look; prints what is new.
  void look(ChaosReport& report) {
    const std::uint64_t rounds = watcher_->rounds();
    for (; next_round_ + kRoundsInFlight <= rounds; ++next_round_) look_at_round(next_round_, report);
    const auto conflicts = watcher_->conflicts();
    for (std::size_t i = report.conflicts.size(); i < conflicts.size(); ++i) {
      ArpConflict conflict = conflicts[i];
      conflict.t_ms -= start_ms_;
      out_ << "[" << seconds_text(conflict.t_ms) << "] VIOLATION: " << conflict.address << " answered by "
           << owners_text(conflict.owners) << " (ARP round " << conflict.round << ")" << std::endl;
      report.conflicts.push_back(conflict);
    }
  }

  // Sleeps until `until_ms` from the start, looking every poll.
  void watch_until(std::int64_t until_ms, ChaosReport& report) {
    while (elapsed_ms() < until_ms) {
      look(report);
      std::this_thread::sleep_for(
          std::min(kPoll * 5, milliseconds(std::max<std::int64_t>(until_ms - elapsed_ms(), 1))));
    }
    look(report);
  }

  // Every group whole on one node, answered to the prober (by an attempt started after
  // `since_ms`) and on the wire from that node alone. Else what is wrong, in `why`.
  bool is_converged(std::int64_t since_ms, std::string& why) const {
    for (const auto& group : lab_.plan().groups) {
      std::string place;
      for (const auto& planned : group.addresses) {
        const IpAddress& address = planned.prefix.address;
        auto latest = session_->latest(address);
        if (!latest || !latest->answer || latest->attempt_start_ms < since_ms) {
          why = group.name + ": " + address.to_string() + " " + (latest ? latest->outcome() : "not probed");
          return false;
        }
        const std::string node = latest->answer->substr(0, latest->answer->find(' '));
        if (!place.empty() && node != place) {
          why = group.name + ": split between " + place;
          why += " and " + node;
          return false;
        }
        place = node;
        if (address.is_v4() && watcher_->owners_now(address) != std::set<std::string>{node}) {
          why = group.name + ": " + address.to_string() + " on the wire from " +
                owners_text(watcher_->owners_now(address)) + ", to the prober from " + node;
          return false;
        }
      }
    }
    return true;
  }

  Result<void> failure() const {
    if (auto failed = watcher_->failure()) return fail(*failed);
    if (auto failed = session_->failure()) return fail(*failed);
    return success();
  }

  void finish(ChaosReport& report) {
    report.arp_rounds = watcher_->rounds();
    report.arp_replies = watcher_->replies();
  }

  const ProbeSession& session() const { return *session_; }

 private:
  void look_at_round(std::uint64_t round, ChaosReport& report) {
    for (const auto& group : lab_.plan().groups) {
      std::vector<std::set<std::string>> owners;
      for (const auto& planned : group.addresses) {
        if (planned.prefix.address.is_v4()) owners.push_back(watcher_->owners_in(round, planned.prefix.address));
      }
      auto split = split_owners(owners);
      if (!split) continue;
      GroupSplit found{group.name, round, elapsed_ms(), *split};
      out_ << "[" << seconds_text(found.t_ms) << "] VIOLATION: group " << group.name << " split between "
           << owners_text(found.owners) << " (ARP round " << round << ")" << std::endl;
      report.splits.push_back(std::move(found));
    }
  }

  const Lab& lab_;
  std::unique_ptr<ArpWatcher> watcher_;
  std::unique_ptr<ProbeSession> session_;
  std::ostream& out_;
  std::int64_t start_ms_ = 0;
  std::uint64_t next_round_ = 0;
};

// The public IP number `index` leaves the node that holds it (with carrier) behind its
// daemon's back; what was done, or why nothing was.
Result<std::string> delete_address(const Lab& lab, int index) {
  const std::vector<IpAddress> addresses = lab.public_ips();
  const IpAddress& address = addresses.at(static_cast<std::size_t>(index));
  auto status = lab.status();
  if (!status) return fail(status.error());
  for (const auto& ip : status->public_ips) {
    if (ip.address.prefix.address != address) continue;
    for (const auto& holder : ip.holders) {
      if (!holder.has_carrier) continue;
      auto interface = lab.delete_address(holder.node, address);
      if (!interface) return fail(interface.error());
      return address.to_string() + " from " + holder.node + " " + *interface;
    }
  }
  return address.to_string() + ": held by no reachable node, nothing to delete";
}

// A verb Lab has no method for, run as `tandem-lab --prefix P VERB ARGS...`.
Result<void> run_verb(const Lab& lab, const std::string& program, std::vector<std::string> arguments) {
  if (program.empty()) return fail("chaos", "no tandem-lab program to run `" + arguments.front() + "` with");
  Command command{{program, "--prefix", lab.plan().options.prefix, "--state-root", lab.plan().options.state_root}};
  command.argv.insert(command.argv.end(), arguments.begin(), arguments.end());
  auto ran = run_checked(command);
  if (!ran) return fail(ran.error());
  return success();
}

// Carries `fault` out; gives what was done when it is more than the fault's text.
Result<std::string> carry_out(const Lab& lab, const Fault& fault, const ChaosRunOptions& options) {
  const std::string node = node_name(fault.node);
  const std::string interface = "eth" + std::to_string(fault.interface);
  auto done = [](const Result<void>& result) -> Result<std::string> {
    if (!result) return fail(result.error());
    return std::string();
  };
  switch (fault.kind) {
    case FaultKind::kNicDown:
      return done(lab.nic_down(node, interface));
    case FaultKind::kNicUp:
      return done(lab.nic_up(node, interface));
    case FaultKind::kCrash:
      return done(lab.crash(node));
    case FaultKind::kRestart:
      return done(lab.restart(node));
    case FaultKind::kKill:
      return done(lab.kill(node));
    case FaultKind::kKillAlone:
      return done(lab.kill_alone(node));
    case FaultKind::kStart:
      return done(lab.start(node));
    case FaultKind::kStall:
      return done(lab.pause(node));
    case FaultKind::kResume:
      return done(lab.resume(node));
    case FaultKind::kHeal:
      return done(lab.heal());
    case FaultKind::kPartition: {
      std::vector<std::string> names;
      for (int index : fault.nodes) names.push_back(node_name(index));
      return done(lab.partition(names));
    }
    case FaultKind::kDeleteAddress:
      return delete_address(lab, fault.address_index);
    case FaultKind::kDeadPath:
      return done(run_verb(lab, options.lab_program, {"deadpath", node, interface}));
    case FaultKind::kLivePath:
      return done(run_verb(lab, options.lab_program, {"livepath", node, interface}));
  }
  return fail("chaos", "unknown fault");
}

Result<std::unique_ptr<ChaosJudge>> start_judge(const Lab& lab, std::ostream& out) {
  auto status = lab.status();
  if (!status) return fail(status.error());
  ArpWatchOptions watch;
  watch.owners = node_owners(*status);
  auto watcher = ArpWatcher::start(lab.plan().client_netns, lab.public_ips(), watch);
  if (!watcher) return fail(watcher.error());
  auto session = lab.probe();
  if (!session) return fail(session.error());
  return std::make_unique<ChaosJudge>(lab, std::move(*watcher), std::move(*session), out);
}

// After the final heal: when every group is whole and answered, or nothing.
void wait_for_convergence(ChaosJudge& judge, const ChaosRunOptions& options, ChaosReport& report) {
  const std::int64_t healed_ms = judge.elapsed_ms();
  const std::int64_t healed_at = monotonic_ms();
  std::string why;
  while (judge.elapsed_ms() - healed_ms <= options.convergence_limit.count()) {
    judge.look(report);
    if (judge.is_converged(healed_at, why)) {
      report.convergence_ms = judge.elapsed_ms() - healed_ms;
      return;
    }
    std::this_thread::sleep_for(kPoll);
  }
  report.unconverged = why;
}

}  // namespace

std::optional<std::set<std::string>> split_owners(const std::vector<std::set<std::string>>& owners) {
  std::set<std::string> all;
  for (const auto& each : owners) all.insert(each.begin(), each.end());
  if (all.size() < 2) return std::nullopt;
  return all;
}

int ChaosReport::failed_fault_count() const {
  return static_cast<int>(std::count_if(faults.begin(), faults.end(), [](const auto& f) { return !f.error.empty(); }));
}

Result<ChaosReport> run_chaos(const Lab& lab, const std::vector<Fault>& schedule, const ChaosRunOptions& options,
                              std::ostream& out) {
  auto judge = start_judge(lab, out);
  if (!judge) return fail(judge.error());
  if (!(*judge)->session().wait_until_stable(milliseconds(1000), options.ready_limit)) {
    return fail("chaos", "the lab did not settle (every IP answering, nothing moving for 1 s) within " +
                             std::to_string(options.ready_limit.count()) + " ms before the first fault");
  }
  ChaosReport report;
  report.seed = options.schedule.seed;
  report.duration_ms = options.schedule.duration.count();
  report.convergence_limit_ms = options.convergence_limit.count();
  out << "chaos: seed " << report.seed << ", " << schedule.size() << " faults over " << report.duration_ms / 1000
      << " s" << std::endl;
  (*judge)->start(monotonic_ms());
  bool is_healing = false;
  for (const auto& fault : schedule) {
    (*judge)->watch_until(fault.at_ms, report);
    if (fault.is_final_heal && !is_healing) {
      out << "[" << seconds_text((*judge)->elapsed_ms()) << "] final heal" << std::endl;
      is_healing = true;
    }
    auto done = carry_out(lab, fault, options);
    ChaosFaultRecord record{fault, (*judge)->elapsed_ms(), fault_text(fault), ""};
    if (done && !done->empty()) record.text += " " + *done;
    if (!done) record.error = done.error().message();
    out << "[" << seconds_text(record.done_ms) << "] " << record.text
        << (record.error.empty() ? "" : " FAILED: " + record.error) << std::endl;
    report.faults.push_back(std::move(record));
    if (auto failed = (*judge)->failure(); !failed) return fail(failed.error());
  }
  wait_for_convergence(**judge, options, report);
  if (report.convergence_ms) {
    out << "[" << seconds_text((*judge)->elapsed_ms()) << "] converged " << *report.convergence_ms
        << " ms after the final heal" << std::endl;
  } else {
    out << "[" << seconds_text((*judge)->elapsed_ms()) << "] VIOLATION: no convergence within "
        << options.convergence_limit.count() << " ms of the final heal: " << report.unconverged << std::endl;
  }
  (*judge)->watch_until((*judge)->elapsed_ms() + options.settle.count(), report);
  if (auto failed = (*judge)->failure(); !failed) return fail(failed.error());
  (*judge)->finish(report);
  return report;
}

std::string chaos_summary_text(const ChaosReport& report) {
  std::map<std::string, int> by_kind;
  for (const auto& record : report.faults) ++by_kind[std::string(fault_kind_name(record.fault.kind))];
  std::ostringstream text;
  text << "chaos summary: seed " << report.seed << ", " << report.duration_ms / 1000 << " s, " << report.faults.size()
       << " faults\n  by kind:";
  for (const auto& [kind, count] : by_kind) text << " " << kind << "=" << count;
  text << "\n  failed faults: " << report.failed_fault_count() << "\n  one IP on two nodes: " << report.conflicts.size()
       << " ARP rounds\n  group splits: " << report.splits.size()
       << " ARP rounds\n  convergence after the final heal: ";
  if (report.convergence_ms) {
    text << *report.convergence_ms << " ms";
  } else {
    text << "none within " << report.convergence_limit_ms << " ms (" << report.unconverged << ")";
  }
  text << "\n  ARP rounds watched: " << report.arp_rounds << ", replies: " << report.arp_replies << "\n"
       << (report.is_clean() ? "  PASS\n" : "  FAIL\n");
  return text.str();
}

std::string chaos_report_json(const ChaosReport& report) {
  nlohmann::json json;
  json["seed"] = report.seed;
  json["duration_ms"] = report.duration_ms;
  json["is_clean"] = report.is_clean();
  nlohmann::json by_kind = nlohmann::json::object();
  nlohmann::json faults = nlohmann::json::array();
  for (const auto& record : report.faults) {
    const std::string kind(fault_kind_name(record.fault.kind));
    by_kind[kind] = by_kind.value(kind, 0) + 1;
    nlohmann::json fault{{"at_ms", record.fault.at_ms},
                         {"done_ms", record.done_ms},
                         {"kind", kind},
                         {"text", record.text},
                         {"final_heal", record.fault.is_final_heal}};
    if (!record.error.empty()) fault["error"] = record.error;
    faults.push_back(std::move(fault));
  }
  json["faults_by_kind"] = by_kind;
  json["faults"] = faults;
  json["failed_faults"] = report.failed_fault_count();
  nlohmann::json conflicts = nlohmann::json::array();
  for (const auto& conflict : report.conflicts) {
    conflicts.push_back({{"t_ms", conflict.t_ms},
                         {"ip", conflict.address.to_string()},
                         {"round", conflict.round},
                         {"owners", conflict.owners},
                         {"macs", conflict.macs}});
  }
  json["ip_on_two_nodes"] = conflicts;
  nlohmann::json splits = nlohmann::json::array();
  for (const auto& split : report.splits) {
    splits.push_back({{"t_ms", split.t_ms}, {"group", split.group}, {"round", split.round}, {"owners", split.owners}});
  }
  json["group_splits"] = splits;
  json["convergence_ms"] = report.convergence_ms ? nlohmann::json(*report.convergence_ms) : nlohmann::json(nullptr);
  json["convergence_limit_ms"] = report.convergence_limit_ms;
  if (!report.convergence_ms) json["unconverged"] = report.unconverged;
  json["arp_rounds"] = report.arp_rounds;
  json["arp_replies"] = report.arp_replies;
  return json.dump(2);
}

}  // namespace tandem::lab
