#include "lab/probe_session.h"

#include <algorithm>

#include "lab/netns.h"

namespace tandem::lab {

AnswerFilter answer_not_from(const std::string& node) {
  return [prefix = node + " "](const std::string& answer) { return !answer.starts_with(prefix); };
}

AnswerFilter answer_is(const std::string& expected) {
  return [expected](const std::string& answer) { return answer == expected; };
}

Result<std::unique_ptr<ProbeSession>> ProbeSession::start(const std::string& netns, std::vector<IpAddress> addresses,
                                                          ProbeOptions options) {
  std::unique_ptr<ProbeSession> session(new ProbeSession(std::move(addresses), options));
  // Shared with the thread, which may still be inside set_value() when start() returns.
  auto entered = std::make_shared<std::promise<Result<void>>>();
  auto entered_future = entered->get_future();
  ProbeSession* self = session.get();
  session->thread_ = std::thread([self, netns, entered] {
    Result<void> inside = netns.empty() ? success() : enter_netns(netns);
    entered->set_value(inside);
    if (!inside) return;
    Prober prober(self->addresses_, self->options_);
    auto ran = prober.run(self->stop_, [self](const ProbeResult& result) { self->record(result); });
    if (!ran) {
      std::lock_guard lock(self->mutex_);
      self->failure_ = ran.error();
    }
  });
  auto inside = entered_future.get();
  if (!inside) return fail(inside.error());
  return session;
}

ProbeSession::~ProbeSession() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ProbeSession::record(const ProbeResult& result) {
  {
    std::lock_guard lock(mutex_);
    results_.push_back(result);
    if (results_.size() > kResultsMax) {
      results_.pop_front();
      ++first_sequence_;
    }
    auto [it, is_new] = latest_.try_emplace(result.address, result);
    if (!is_new && result.attempt_start_ms > it->second.attempt_start_ms) it->second = result;
    if (filter_.is_change(result)) {
      changes_.push_back(result);
      if (changes_.size() > kResultsMax) changes_.erase(changes_.begin());
      changed_ms_[result.address] = result.t_ms;
    }
  }
  recorded_.notify_all();
}

std::size_t ProbeSession::first_finished_at(std::int64_t t_ms) const {
  auto first = std::partition_point(results_.begin(), results_.end(),
                                    [t_ms](const ProbeResult& result) { return result.t_ms < t_ms; });
  return static_cast<std::size_t>(first - results_.begin());
}

std::optional<ProbeResult> ProbeSession::find_answer(const IpAddress& address, std::int64_t since_ms,
                                                     const AnswerFilter& accept,
                                                     std::optional<std::uint64_t>& next) const {
  std::size_t index = !next                     ? first_finished_at(since_ms)
                      : *next > first_sequence_ ? static_cast<std::size_t>(*next - first_sequence_)
                                                : 0;
  for (; index < results_.size(); ++index) {
    const ProbeResult& result = results_[index];
    if (result.address != address || result.attempt_start_ms < since_ms || !result.answer) continue;
    if (!accept || accept(*result.answer)) return result;
  }
  next = first_sequence_ + index;
  return std::nullopt;
}

std::optional<ProbeResult> ProbeSession::wait_for_answer(const IpAddress& address, std::int64_t since_ms,
                                                         std::chrono::milliseconds limit,
                                                         const AnswerFilter& accept) const {
  std::unique_lock lock(mutex_);
  std::optional<ProbeResult> found;
  std::optional<std::uint64_t> next;
  recorded_.wait_for(lock, limit, [&] {
    found = find_answer(address, since_ms, accept, next);
    return found.has_value() || failure_.has_value();
  });
  return found;
}

bool ProbeSession::is_stable(std::chrono::milliseconds quiet) const {
  std::int64_t now = monotonic_ms();
  for (const auto& address : addresses_) {
    auto latest = latest_.find(address);
    if (latest == latest_.end() || !latest->second.answer) return false;
    auto changed = changed_ms_.find(address);
    if (changed != changed_ms_.end() && now - changed->second < quiet.count()) return false;
  }
  return true;
}

bool ProbeSession::wait_until_stable(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::unique_lock lock(mutex_);
  // Stability is reached by time passing, not only by new results: look again every 10 ms.
  while (!is_stable(quiet)) {
    if (failure_ || std::chrono::steady_clock::now() >= deadline) return false;
    recorded_.wait_for(lock, std::chrono::milliseconds(10));
  }
  return true;
}

std::optional<ProbeResult> ProbeSession::latest(const IpAddress& address) const {
  std::lock_guard lock(mutex_);
  auto found = latest_.find(address);
  if (found == latest_.end()) return std::nullopt;
  return found->second;
}

std::vector<ProbeResult> ProbeSession::changes() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

int ProbeSession::failures_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms) const {
  return count_between(address, from_ms, to_ms, [](const ProbeResult& result) { return !result.answer; });
}

int ProbeSession::unreached_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms) const {
  return count_between(address, from_ms, to_ms,
                       [](const ProbeResult& result) { return !result.answer && result.error != kLateAnswer; });
}

int ProbeSession::count_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms,
                                const std::function<bool(const ProbeResult&)>& counts) const {
  constexpr std::int64_t kMarginMs = 20;  // for the prober to notice a timeout and record it
  std::int64_t settled_ms = to_ms + options_.timeout.count() + kMarginMs;
  if (std::int64_t wait = settled_ms - monotonic_ms(); wait > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(wait));
  std::lock_guard lock(mutex_);
  int count = 0;
  for (auto it = results_.begin() + static_cast<std::ptrdiff_t>(first_finished_at(from_ms)); it != results_.end();
       ++it) {
    const ProbeResult& result = *it;
    bool is_inside = result.attempt_start_ms >= from_ms && result.attempt_start_ms < to_ms;
    if (result.address == address && is_inside && counts(result)) ++count;
  }
  return count;
}

std::optional<Error> ProbeSession::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void FailoverClock::mark_fault() { fault_ms_ = monotonic_ms(); }

Result<Failover> FailoverClock::wait(const IpAddress& address, std::chrono::milliseconds limit,
                                     const AnswerFilter& accept) const {
  auto found = session_.wait_for_answer(address, fault_ms_, limit, accept);
  if (!found) {
    return fail(address.to_string(), "no answer within " + std::to_string(limit.count()) + " ms of the fault");
  }
  return Failover{address, *found->answer, fault_ms_, found->attempt_start_ms, found->t_ms};
}

Result<std::vector<Failover>> FailoverClock::wait_all(const std::vector<IpAddress>& addresses,
                                                      std::chrono::milliseconds limit,
                                                      const AnswerFilter& accept) const {
  auto deadline = std::chrono::steady_clock::now() + limit;
  std::vector<Failover> failovers;
  for (const auto& address : addresses) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto failover = wait(address, std::max(left, std::chrono::milliseconds(0)), accept);
    if (!failover) return fail(failover.error());
    failovers.push_back(*failover);
  }
  return failovers;
}

}  // namespace tandem::lab
