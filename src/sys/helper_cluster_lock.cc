#include "sys/helper_cluster_lock.h"

#include <csignal>
#include <cstdio>
#include <utility>

#include "base/check.h"

namespace tandem::sys {
namespace {

// "'1'", or "byte 0x07" for what cannot be shown.
std::string show(char status) {
  auto byte = static_cast<unsigned char>(status);
  if (byte > 0x20 && byte < 0x7f) return std::string("'") + status + "'";
  char text[16];
  std::snprintf(text, sizeof text, "byte 0x%02x", byte);
  return text;
}

std::string milliseconds_text(std::chrono::milliseconds span) { return std::to_string(span.count()) + " ms"; }

}  // namespace

struct HelperClusterLock::Helper {
  Helper(std::uint64_t helper_id, ChildProcess process, asio::io_context& context)
      : id(helper_id), child(std::move(process)), timer(context) {}

  std::uint64_t id;
  ChildProcess child;
  asio::steady_timer timer;  // the answer timeout (kAnswering) or the SIGTERM grace (kEnding)
  Phase phase = Phase::kAnswering;
};

HelperClusterLock::HelperClusterLock(asio::io_context& context, std::vector<std::string> helper, LockReport report,
                                     Logger log, std::chrono::milliseconds answer_timeout,
                                     std::chrono::milliseconds term_grace)
    : context_(context),
      helper_(std::move(helper)),
      report_(std::move(report)),
      log_(std::move(log)),
      answer_timeout_(answer_timeout),
      term_grace_(term_grace) {
  TANDEM_CHECK(!helper_.empty());
}

HelperClusterLock::~HelperClusterLock() = default;

void HelperClusterLock::try_acquire() {
  if (Helper* helper = current()) {
    // An attempt under way answers this call when its helper does.
    if (helper->phase == Phase::kHolding) post_report(LockOutcome::kHeld);
    return;
  }
  start_helper();
}

void HelperClusterLock::release() {
  ++generation_;
  if (Helper* helper = current()) end_helper(*helper);
}

bool HelperClusterLock::is_held() const {
  auto found = helpers_.find(current_id_);
  return found != helpers_.end() && found->second->phase == Phase::kHolding;
}

void HelperClusterLock::start_helper() {
  SpawnOptions options;
  options.argv = helper_;
  options.capture_stdout = true;
  options.new_process_group = true;  // SIGKILL reaches whatever the helper started
  options.die_with_parent = true;
  Result<ChildProcess> child = ChildProcess::spawn(context_, options);
  if (!child) {
    note("cannot start: " + child.error().message());
    post_report(LockOutcome::kContended);
    return;
  }
  std::uint64_t id = next_id_++;
  auto owned = std::make_unique<Helper>(id, std::move(*child), context_);
  Helper& helper = *owned;
  helpers_.emplace(id, std::move(owned));
  current_id_ = id;
  // ChildProcess makes no callback once destroyed, and this owns every ChildProcess.
  helper.child.read_output([this, id](std::string_view chunk) { on_output(id, chunk); });
  helper.child.wait_exit([this, id](ExitStatus status) { on_exit(id, status); });
  arm_timer(helper, answer_timeout_);
}

void HelperClusterLock::on_output(std::uint64_t id, std::string_view chunk) {
  Helper* helper = find(id);
  if (helper == nullptr) return;
  if (!chunk.empty()) {
    // Only the first character is the protocol; what follows it is ignored.
    if (helper->phase == Phase::kAnswering) on_status(*helper, chunk.front());
    return;
  }
  if (helper->phase == Phase::kAnswering) {
    note("closed its stdout without answering");
    end_helper(*helper);
    post_report(LockOutcome::kContended);
  } else if (helper->phase == Phase::kHolding) {
    log_.warning("cluster lock lost: helper " + name() + " closed its stdout");
    end_helper(*helper);
    post_report(LockOutcome::kLost);
  }
}

void HelperClusterLock::on_status(Helper& helper, char status) {
  if (status == '0') {
    helper.phase = Phase::kHolding;
    helper.timer.cancel();
    if (!last_note_.empty()) log_.info("cluster lock helper " + name() + ": lock held");
    last_note_.clear();
    post_report(LockOutcome::kHeld);
    return;
  }
  switch (status) {
    case '1':
      note("contended (status '1')");
      break;
    case '2':
      note("timed out (status '2')");
      break;
    case '3':
      note("failed (status '3')");
      break;
    default:
      note("broken: unexpected status " + show(status));
      break;
  }
  end_helper(helper);
  post_report(LockOutcome::kContended);
}

void HelperClusterLock::on_exit(std::uint64_t id, const ExitStatus& status) {
  Helper* helper = find(id);
  if (helper == nullptr) return;
  Phase phase = helper->phase;
  if (current_id_ == id) current_id_ = 0;
  helpers_.erase(id);  // destroys the ChildProcess from its own callback, which it allows
  if (phase == Phase::kAnswering) {
    note("ended without answering: " + status.describe());
    post_report(LockOutcome::kContended);
  } else if (phase == Phase::kHolding) {
    log_.warning("cluster lock lost: helper " + name() + " " + status.describe());
    post_report(LockOutcome::kLost);
  }
}

void HelperClusterLock::on_timer(std::uint64_t id, Phase armed_in) {
  Helper* helper = find(id);
  // A timer armed in an earlier phase may have fired before it was re-armed: ignore it.
  if (helper == nullptr || helper->phase != armed_in) return;
  if (armed_in == Phase::kAnswering) {
    note("said nothing within " + milliseconds_text(answer_timeout_) + ": ended");
    end_helper(*helper);
    post_report(LockOutcome::kContended);
  } else if (armed_in == Phase::kEnding) {
    log_.warning("cluster lock helper " + name() + " (pid " + std::to_string(helper->child.pid()) + ") still runs " +
                 milliseconds_text(term_grace_) + " after SIGTERM: SIGKILL");
    (void)helper->child.signal_group(SIGKILL);
    (void)helper->child.signal(SIGKILL);  // in case it left its process group
  }
}

// SIGTERM now, SIGKILL after the grace; on_exit reaps it and forgets it.
void HelperClusterLock::end_helper(Helper& helper) {
  if (current_id_ == helper.id) current_id_ = 0;
  helper.phase = Phase::kEnding;
  (void)helper.child.signal(SIGTERM);  // refused only when already reaped
  arm_timer(helper, term_grace_);
}

void HelperClusterLock::arm_timer(Helper& helper, std::chrono::milliseconds after) {
  helper.timer.expires_after(after);
  helper.timer.async_wait(
      [this, alive = std::weak_ptr<char>(alive_), id = helper.id, phase = helper.phase](const asio::error_code& error) {
        if (error || alive.expired()) return;
        on_timer(id, phase);
      });
}

HelperClusterLock::Helper* HelperClusterLock::find(std::uint64_t id) {
  auto found = helpers_.find(id);
  return found == helpers_.end() ? nullptr : found->second.get();
}

HelperClusterLock::Helper* HelperClusterLock::current() { return current_id_ == 0 ? nullptr : find(current_id_); }

void HelperClusterLock::post_report(LockOutcome outcome) {
  asio::post(context_, [this, alive = std::weak_ptr<char>(alive_), generation = generation_, outcome] {
    if (alive.expired() || generation != generation_) return;
    report_(outcome);
  });
}

// Logs why an attempt failed, unless it failed the same way last time: a node that is not
// the leader retries all the time, and "contended" once is news, a thousand times is noise.
void HelperClusterLock::note(const std::string& why) {
  if (why == last_note_) return;
  last_note_ = why;
  log_.warning("cluster lock helper " + name() + ": " + why);
}

std::string HelperClusterLock::name() const { return helper_.front(); }

}  // namespace tandem::sys
