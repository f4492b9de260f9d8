#include "cluster/announcement_schedule.h"

#include <algorithm>

#include "base/check.h"

namespace tandem::cluster {

Announce AnnouncementSchedule::start(const IpAddress& address, const InterfaceName& interface, TimePoint now,
                                     std::uint32_t count, Duration spacing) {
  TANDEM_CHECK(count >= 1);
  pending_.erase(address);
  if (count > 1) pending_.emplace(address, Pending{interface, now + spacing, count - 1, spacing});
  return Announce{address, interface};
}

void AnnouncementSchedule::cancel(const IpAddress& address) { pending_.erase(address); }

std::vector<Announce> AnnouncementSchedule::take_due(TimePoint now) {
  std::vector<Announce> due;
  for (auto entry = pending_.begin(); entry != pending_.end();) {
    Pending& pending = entry->second;
    if (pending.due > now) {
      ++entry;
      continue;
    }
    due.push_back(Announce{entry->first, pending.interface});
    if (--pending.sends_left == 0) {
      entry = pending_.erase(entry);
      continue;
    }
    pending.due = now + pending.spacing;
    ++entry;
  }
  return due;
}

TimePoint AnnouncementSchedule::next_due() const {
  TimePoint next = TimePoint::max();
  for (const auto& [address, pending] : pending_) next = std::min(next, pending.due);
  return next;
}

}  // namespace tandem::cluster
