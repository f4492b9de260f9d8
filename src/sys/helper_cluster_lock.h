// HelperClusterLock: the cluster lock held by a helper program, with CTDB's mutex helper
// protocol, so CTDB's helpers (ctdb_mutex_fcntl_helper, ctdb_mutex_ceph_rados_helper,
// ctdb_etcd_lock) and ours (helpers/tandem-etcd-lock) work unchanged.
//
// The protocol, as CTDB's cluster_mutex.c speaks it: try_acquire() runs the configured argv
// (program, then its arguments, exactly as configured) with stdout on a pipe. The helper
// writes ONE ASCII character:
//   '0'  held: the helper keeps running, holding the lock, until it gets SIGTERM;
//   '1'  contended, '2' timed out, '3' error: the helper exits by itself.
// Anything else is a broken helper and counts as contended, as does a helper that exits or
// closes stdout before answering, and one that says nothing within `answer_timeout` (it is
// then ended). While held, the helper exiting or closing its stdout means the lock is lost.
// The helper's stderr is the daemon's (it reaches the journal). Why an attempt failed is
// logged when it differs from the last attempt's reason (a non-leader retries all the time);
// a loss is always logged.
//
// Ending a helper (release(), a timeout, a non-'0' status) sends it SIGTERM and, if it has
// not exited `term_grace` later, SIGKILL to its whole process group (it leads one of its
// own); it is always reaped. The helper gets SIGTERM if the daemon dies (die-with-parent),
// and CTDB's helpers also watch getppid(), so no helper outlives tandemd holding the lock.
//
// Reports: kHeld once per '0' (and again for try_acquire() while held), kContended once per
// failed attempt, kLost once per loss. A try_acquire() while an attempt is under way starts
// nothing new: that attempt's outcome answers it. release() reports nothing and drops any
// report not yet delivered; reports are never dropped otherwise, so a loss is always heard.
//
// Single-threaded: every call and callback runs on the io_context's thread. Outcomes are
// reported only from Asio handlers (posted), never from inside try_acquire() or release().
// Destroying the lock kills every helper at once with SIGKILL (ChildProcess's destructor):
// call release() and let the loop run for a while before, so a helper can let go cleanly.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/interfaces.h"
#include "sys/child_process.h"
#include "sys/lock_outcome.h"
#include "sys/logger.h"

namespace tandem::sys {

inline constexpr std::chrono::milliseconds kLockHelperAnswerTimeout{10000};
inline constexpr std::chrono::milliseconds kLockHelperTermGrace{1000};

class HelperClusterLock final : public io::ClusterLock {
 public:
  // `helper` is never empty (config guarantees it; a bug otherwise).
  HelperClusterLock(asio::io_context& context, std::vector<std::string> helper, LockReport report, Logger log,
                    std::chrono::milliseconds answer_timeout = kLockHelperAnswerTimeout,
                    std::chrono::milliseconds term_grace = kLockHelperTermGrace);
  ~HelperClusterLock() override;
  HelperClusterLock(const HelperClusterLock&) = delete;
  HelperClusterLock& operator=(const HelperClusterLock&) = delete;

  void try_acquire() override;
  void release() override;

  bool is_held() const;
  // Helpers started and not reaped yet: the current one and those being ended.
  std::size_t helpers_running() const { return helpers_.size(); }

 private:
  enum class Phase : std::uint8_t { kAnswering, kHolding, kEnding };
  struct Helper;

  void start_helper();
  void on_output(std::uint64_t id, std::string_view chunk);
  void on_status(Helper& helper, char status);
  void on_exit(std::uint64_t id, const ExitStatus& status);
  void on_timer(std::uint64_t id, Phase armed_in);
  void end_helper(Helper& helper);
  void arm_timer(Helper& helper, std::chrono::milliseconds after);
  Helper* find(std::uint64_t id);
  Helper* current();
  void post_report(LockOutcome outcome);
  void note(const std::string& why);
  std::string name() const;

  asio::io_context& context_;
  std::vector<std::string> helper_;
  LockReport report_;
  Logger log_;
  std::chrono::milliseconds answer_timeout_;
  std::chrono::milliseconds term_grace_;
  // Every helper not reaped yet, by id. At most one is not kEnding: the current one.
  std::map<std::uint64_t, std::unique_ptr<Helper>> helpers_;
  std::uint64_t current_id_ = 0;  // 0: no attempt under way and nothing held
  std::uint64_t next_id_ = 1;
  // Bumped by release(): a posted report made before is dropped.
  std::uint64_t generation_ = 0;
  std::string last_note_;  // why the last attempt failed, as logged; "" after a success
  std::shared_ptr<char> alive_ = std::make_shared<char>();
};

}  // namespace tandem::sys
