#include "cluster/leadership.h"

#include <algorithm>

#include "base/check.h"

namespace tandem::cluster {

std::optional<NodeId> Leadership::leader() const {
  if (is_leader()) return self_;
  if (const Follower* follower = following()) return follower->leader;
  return std::nullopt;
}

void Leadership::raise_epoch(std::uint64_t seen) {
  TANDEM_CHECK(!is_leader());
  TANDEM_CHECK(seen > epoch_);
  epoch_ = seen;
  if (Follower* follower = following()) follower->leader.reset();
}

void Leadership::restore(const DurableState& durable) {
  TANDEM_CHECK(epoch_ == 0 && voted_epoch_ == 0);  // once, before anything was seen
  TANDEM_CHECK(following() != nullptr && !following()->leader);
  epoch_ = durable.epoch;
  voted_epoch_ = durable.voted_epoch;
}

void Leadership::follow(NodeId leader, TimePoint now) {
  TANDEM_CHECK(!is_leader());
  TANDEM_CHECK(leader != self_);
  role_ = Follower{leader, now, TimePoint::max()};
}

void Leadership::lose_leader() {
  Follower* follower = following();
  TANDEM_CHECK(follower != nullptr && follower->leader);
  follower->leader.reset();
}

bool Leadership::may_vote(std::uint64_t epoch, TimePoint now) const {
  return now >= no_votes_before_ && epoch > voted_epoch_ && epoch > epoch_;
}

void Leadership::record_vote(std::uint64_t epoch) {
  TANDEM_CHECK(epoch > voted_epoch_);
  voted_epoch_ = epoch;
}

void Leadership::stand(std::uint64_t epoch, TimePoint deadline) {
  const Follower* follower = following();
  TANDEM_CHECK(follower != nullptr && !follower->leader);
  TANDEM_CHECK(epoch > epoch_ && epoch > voted_epoch_);
  voted_epoch_ = epoch;
  role_ = Candidate{epoch, {self_}, deadline};
}

std::size_t Leadership::count_vote(NodeId from) {
  Candidate* candidate = standing();
  TANDEM_CHECK(candidate != nullptr);
  candidate->votes.insert(from);
  return candidate->votes.size();
}

void Leadership::give_up(TimePoint election_at) {
  TANDEM_CHECK(standing() != nullptr);
  role_ = Follower{std::nullopt, kTimeZero, election_at};
}

Leader& Leadership::become_leader(std::uint64_t new_epoch, TimePoint now) {
  TANDEM_CHECK(!is_leader());
  TANDEM_CHECK(!following() || !following()->leader);  // a follower of a leader never leads
  epoch_ = std::max(epoch_, new_epoch);
  role_.emplace<Leader>(now);
  return std::get<Leader>(role_);
}

void Leadership::step_down() {
  TANDEM_CHECK(is_leader());
  role_ = Follower{};
}

}  // namespace tandem::cluster
