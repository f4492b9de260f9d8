#include "failover/false_failover.h"

#include <thread>

#include "failover/log_cursor.h"
#include "failover/settle.h"
#include "lab/netns.h"

namespace tandem::bench {
namespace {

using std::chrono::milliseconds;

// Where each public IP is in the kernel: "n0 eth1" (or a list, if on more than one).
std::map<std::string, std::string> kernel_places(const lab::LabStatus& status) {
  std::map<std::string, std::string> places;
  for (const auto& ip : status.public_ips) {
    std::string place;
    for (const auto& holder : ip.holders) place += (place.empty() ? "" : ",") + holder.node + " " + holder.interface;
    places[ip.address.prefix.address.to_string()] = place;
  }
  return places;
}

std::map<IpAddress, std::string> latest_answers(const lab::ProbeSession& session) {
  std::map<IpAddress, std::string> answers;
  for (const auto& address : session.addresses()) {
    if (auto latest = session.latest(address); latest && latest->answer) answers[address] = *latest->answer;
  }
  return answers;
}

}  // namespace

std::vector<PlaceChange> place_changes(const std::vector<lab::ProbeResult>& changes,
                                       std::map<IpAddress, std::string> answers, std::int64_t from_ms,
                                       std::int64_t to_ms) {
  std::vector<PlaceChange> moved;
  for (const auto& change : changes) {
    if (change.t_ms < from_ms || change.t_ms >= to_ms || !change.answer) continue;
    std::string& last = answers[change.address];
    if (!last.empty() && *change.answer != last) {
      moved.push_back({change.t_ms - from_ms, change.address.to_string(), last, *change.answer});
    }
    last = *change.answer;
  }
  return moved;
}

Result<FalseFailoverResult> measure_false_failovers(const lab::Lab& lab, const lab::ProbeSession& session,
                                                    const LoadSpec& load, std::chrono::seconds duration,
                                                    std::ostream& progress) {
  auto settled = settle(lab, session, milliseconds(60000));
  if (!settled) return fail(settled.error());
  FalseFailoverResult result;
  result.load = load;
  const LogCursor cursor = LogCursor::at_end(lab);
  const auto answers = latest_answers(session);
  const std::int64_t start_ms = lab::monotonic_ms();
  {
    auto running = LoadProcesses::start(load);
    if (!running) return fail(running.error());
    progress << "false-failover: " << running->pids().size() << " load processes for " << duration.count() << " s"
             << std::endl;
    std::this_thread::sleep_for(duration);
  }  // the load stops here
  const std::int64_t end_ms = lab::monotonic_ms();
  result.seconds = static_cast<double>(end_ms - start_ms) / 1000.0;
  result.place_changes = place_changes(session.changes(), answers, start_ms, end_ms);
  for (const auto& address : session.addresses()) {
    result.failed_attempts += session.failures_between(address, start_ms, end_ms);
  }
  auto after = lab.status();
  if (!after) return fail(after.error());
  result.is_kernel_unchanged = kernel_places(settled->status) == kernel_places(*after);
  result.log = cursor.events_since(lab);
  return result;
}

}  // namespace tandem::bench
