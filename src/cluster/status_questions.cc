#include "cluster/status_questions.h"

#include <algorithm>

namespace tandem::cluster {

std::optional<std::uint64_t> StatusQuestions::ask(std::uint64_t id, NodeId asked, TimePoint now) {
  std::optional<std::uint64_t> evicted;
  if (waiting_.size() >= kWaitingMax) {
    const auto oldest = std::min_element(waiting_.begin(), waiting_.end(), [](const auto& a, const auto& b) {
      return a.second.sent_at < b.second.sent_at;
    });
    evicted = oldest->first;
    waiting_.erase(oldest);
  }
  waiting_[id] = Question{asked, now};
  return evicted;
}

bool StatusQuestions::answer(std::uint64_t id, NodeId from) {
  auto it = waiting_.find(id);
  if (it == waiting_.end() || it->second.asked != from) return false;
  waiting_.erase(it);
  return true;
}

std::vector<std::uint64_t> StatusQuestions::expire(TimePoint now, Duration wait) {
  std::vector<std::uint64_t> expired;
  for (auto it = waiting_.begin(); it != waiting_.end();) {
    if (now - it->second.sent_at < wait) {
      ++it;
      continue;
    }
    expired.push_back(it->first);
    it = waiting_.erase(it);
  }
  return expired;
}

}  // namespace tandem::cluster
