#include "model/assignment.h"

#include <algorithm>

#include "base/check.h"

namespace tandem {

namespace {
bool by_address(const IpAssignment& a, const IpAssignment& b) { return a.address < b.address; }
}  // namespace

Assignment::Assignment(std::vector<IpAssignment> ips) : ips_(std::move(ips)) {
  std::sort(ips_.begin(), ips_.end(), by_address);
  for (std::size_t i = 1; i < ips_.size(); ++i) {
    TANDEM_CHECK(ips_[i - 1].address != ips_[i].address);
  }
}

const IpAssignment* Assignment::find(const IpAddress& address) const {
  auto it = std::lower_bound(ips_.begin(), ips_.end(), address,
                             [](const IpAssignment& entry, const IpAddress& key) { return entry.address < key; });
  if (it == ips_.end() || it->address != address) return nullptr;
  return &*it;
}

std::optional<Placement> Assignment::placement_of(const IpAddress& address) const {
  const IpAssignment* entry = find(address);
  return entry ? entry->placement : std::nullopt;
}

std::size_t count_moves(const Assignment& from, const Assignment& to) {
  std::size_t moves = 0;
  for (const auto& entry : to.ips()) {
    if (from.placement_of(entry.address) != entry.placement) ++moves;
  }
  for (const auto& entry : from.ips()) {
    if (entry.placement && to.find(entry.address) == nullptr) ++moves;
  }
  return moves;
}

}  // namespace tandem
