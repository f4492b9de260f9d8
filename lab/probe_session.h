// ProbeSession: a Prober running in the lab's client namespace, inside the caller's
// process, with its results kept for questions.
//
// Chosen over running `tandem-lab probe` as a child: a thread that enters the client
// namespace (setns moves only that thread) needs no binary path, no pipe parsing, and its
// results are at hand for FailoverClock, tests and benchmarks. `tandem-lab probe` exists
// for use from a shell, and prints the same changes as JSON lines.
//
// Thread-safe: the prober thread appends, any thread asks. Memory is bounded: the oldest
// results go beyond kResultsMax (about 15 minutes of six addresses at 10 ms).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <future>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "lab/prober.h"
#include "model/ip_address.h"

namespace tandem::lab {

// Which answers a question accepts; an empty filter accepts any answer.
using AnswerFilter = std::function<bool(const std::string& answer)>;

// Accepts answers from any node but `node` ("n0"), e.g. to wait for a node failover.
AnswerFilter answer_not_from(const std::string& node);
// Accepts exactly `answer` ("n0 eth2").
AnswerFilter answer_is(const std::string& answer);

class ProbeSession {
 public:
  static constexpr std::size_t kResultsMax = 600000;

  // Starts probing `addresses` on a thread that first enters `netns` ("": stays in the
  // caller's namespace, for tests on loopback).
  static Result<std::unique_ptr<ProbeSession>> start(const std::string& netns, std::vector<IpAddress> addresses,
                                                     ProbeOptions options);
  ~ProbeSession();
  ProbeSession(const ProbeSession&) = delete;
  ProbeSession& operator=(const ProbeSession&) = delete;

  const std::vector<IpAddress>& addresses() const { return addresses_; }

  // The first result for `address` with an answer that `accept` takes, from an attempt
  // started at or after `since_ms`, in finishing order; nullopt after waiting `limit`.
  std::optional<ProbeResult> wait_for_answer(const IpAddress& address, std::int64_t since_ms,
                                             std::chrono::milliseconds limit, const AnswerFilter& accept = {}) const;

  // Waits until every address answers (its latest attempt did) and none has changed for
  // `quiet`; false after `limit`. Run before each measurement, so that a late move from
  // the previous one does not land inside it (lab/README.md).
  bool wait_until_stable(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const;

  // The latest result (newest attempt start) for `address`, if any.
  std::optional<ProbeResult> latest(const IpAddress& address) const;

  // Every change of "who answered" so far (ChangeFilter), in order.
  std::vector<ProbeResult> changes() const;

  // How many attempts on `address` started in [from_ms, to_ms) got no answer. Waits
  // first (up to the probe timeout past `to_ms`) until every such attempt has finished.
  int failures_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms) const;
  // As failures_between(), without the late answers (kLateAnswer): the attempts that the
  // network failed, whatever the node's listener did.
  int unreached_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms) const;

  // Why the prober thread stopped early (it could not enter the namespace), if it did.
  std::optional<Error> failure() const;

 private:
  ProbeSession(std::vector<IpAddress> addresses, ProbeOptions options)
      : addresses_(std::move(addresses)), options_(options) {}

  void record(const ProbeResult& result);
  // The first index of results_ that finished at or after `t_ms` (t_ms never decreases
  // along results_, and an attempt finishes after it starts).
  std::size_t first_finished_at(std::int64_t t_ms) const;
  // Looks through results_ from sequence number `next` on (unset: from the first that
  // finished at `since_ms`), and moves `next` past what it looked at.
  std::optional<ProbeResult> find_answer(const IpAddress& address, std::int64_t since_ms, const AnswerFilter& accept,
                                         std::optional<std::uint64_t>& next) const;
  bool is_stable(std::chrono::milliseconds quiet) const;
  int count_between(const IpAddress& address, std::int64_t from_ms, std::int64_t to_ms,
                    const std::function<bool(const ProbeResult&)>& counts) const;

  std::vector<IpAddress> addresses_;
  ProbeOptions options_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable recorded_;
  std::deque<ProbeResult> results_;               // finishing order, bounded
  std::uint64_t first_sequence_ = 0;              // the sequence number of results_.front()
  std::vector<ProbeResult> changes_;              // bounded as results_
  std::map<IpAddress, ProbeResult> latest_;       // by attempt start
  std::map<IpAddress, std::int64_t> changed_ms_;  // when each address last changed
  ChangeFilter filter_;
  std::optional<Error> failure_;
  std::thread thread_;
};

// One failover, as the client saw it.
struct Failover {
  IpAddress address;
  std::string answer;  // who answers now, "n1 eth2"
  std::int64_t fault_ms = 0;
  std::int64_t attempt_start_ms = 0;  // of the first attempt that got this answer after the fault
  std::int64_t answered_ms = 0;

  std::chrono::milliseconds duration() const { return std::chrono::milliseconds(answered_ms - fault_ms); }
};

// FailoverClock: "fault -> the IP answers again (from X)", measured from the client.
// Mark the fault right after it is in effect (the Lab's fault verbs return then): the
// answer that counts is the first from an attempt STARTED at or after that moment, so an
// attempt that slipped through before the fault never counts.
class FailoverClock {
 public:
  explicit FailoverClock(const ProbeSession& session) : session_(session) {}

  void mark_fault();  // now
  void mark_fault(std::int64_t at_ms) { fault_ms_ = at_ms; }
  std::int64_t fault_ms() const { return fault_ms_; }

  Result<Failover> wait(const IpAddress& address, std::chrono::milliseconds limit,
                        const AnswerFilter& accept = {}) const;
  // Every address, within one overall `limit`.
  Result<std::vector<Failover>> wait_all(const std::vector<IpAddress>& addresses, std::chrono::milliseconds limit,
                                         const AnswerFilter& accept = {}) const;

 private:
  const ProbeSession& session_;
  std::int64_t fault_ms_ = 0;
};

}  // namespace tandem::lab
