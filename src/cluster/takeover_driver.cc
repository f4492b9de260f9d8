#include "cluster/takeover_driver.h"

#include <algorithm>

#include "base/check.h"

namespace tandem::cluster {

void TakeoverDriver::want_run_now(TimePoint now) {
  wanted_ = true;
  next_run_at_ = std::min(next_run_at_, now);
}

void TakeoverDriver::postpone(TimePoint when, bool want_again) {
  wanted_ = want_again;
  next_run_at_ = when;
}

TakeoverRun& TakeoverDriver::start(TakeoverPlan plan, bool sees_shutdown) {
  TANDEM_CHECK(!run_);
  TANDEM_CHECK(!plan.empty());
  TakeoverRun run;
  run.id = next_run_id_++;
  run.sees_shutdown = sees_shutdown;
  run.phase = plan.has_releases() ? TakeoverRun::Phase::kRelease : TakeoverRun::Phase::kTake;
  run.plan = std::move(plan);
  run_ = std::move(run);
  return *run_;
}

void TakeoverDriver::end(TimePoint next_run_at) {
  TANDEM_CHECK(run_);
  run_.reset();
  wanted_ = true;  // confirm the result (and retry what failed) with fresh reports
  next_run_at_ = next_run_at;
}

TimePoint TakeoverDriver::wakeup(TimePoint now) const {
  if (run_) return std::min(run_->deadline, run_->resend_at);
  // A wanted run that cannot start yet (reports missing, nodes frozen) is looked at again
  // with the next heartbeat; only a run that is merely spaced out wakes the leader.
  if (wanted_ && next_run_at_ > now) return next_run_at_;
  return TimePoint::max();
}

}  // namespace tandem::cluster
