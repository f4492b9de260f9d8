#include "cluster/address_audit.h"

#include <algorithm>

#include "cluster/node_machine_state.h"

namespace tandem::cluster {

namespace {

bool same_place(const proto::HeldAddress& a, const proto::HeldAddress& b) {
  return a.prefix.address == b.prefix.address && a.interface == b.interface;
}

}  // namespace

AddressDrift find_drift(const std::vector<proto::HeldAddress>& held, const AddressList& public_addresses,
                        const std::vector<proto::HeldAddress>& found) {
  AddressDrift drift;
  for (const auto& entry : held) {
    const auto is_there = [&](const proto::HeldAddress& kernel) { return same_place(kernel, entry); };
    if (std::none_of(found.begin(), found.end(), is_there)) drift.missing.push_back(entry);
  }
  for (const auto& kernel : found) {
    const auto is_public = [&](const PublicAddress& address) { return address.address() == kernel.prefix.address; };
    if (std::none_of(public_addresses.begin(), public_addresses.end(), is_public)) continue;
    const auto is_held_here = [&](const proto::HeldAddress& entry) { return same_place(kernel, entry); };
    if (std::none_of(held.begin(), held.end(), is_held_here)) drift.foreign.push_back(kernel);
  }
  return drift;
}

// The machine's answer to AddressesSeen. A foreign address goes before a missing one comes
// back, so that an address moved to the wrong interface behind our back is never on two
// interfaces at once longer than it must.
void NodeMachine::State::on_addresses_seen(const AddressesSeen& seen) {
  if (!started) return;
  const AddressDrift drift = find_drift(held, *addresses, seen.found);
  for (const auto& kernel : drift.foreign) {
    out.push_back(RemoveAddress{kernel.prefix, kernel.interface});
    ++repairs.foreign_removed;
    log(Log::Level::kWarning, "removed " + text_of(kernel.prefix) + " from " + kernel.interface.value() +
                                  ": it appeared there, but this node does not hold it there");
  }
  // A stopping node takes nothing back: what it still holds is on its way out (and after
  // ShutdownDone the daemon removes it, which must not be undone).
  if (shutting_down()) return;
  for (const auto& entry : drift.missing) {
    out.push_back(AddAddress{entry.prefix, entry.interface});
    out.push_back(Announce{entry.prefix.address, entry.interface});
    ++repairs.restored;
    log(Log::Level::kWarning, "restored " + text_of(entry.prefix) + " on " + entry.interface.value() +
                                  ": it was removed behind this daemon's back");
  }
}

}  // namespace tandem::cluster
