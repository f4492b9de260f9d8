// The daemon's durable state file, `[paths] state` + "/durable_state": the highest epoch
// this node has seen and voted in (docs/design/cluster.md, "Durable state"). Read once at
// start, handed to the machine in cluster::Start; written at every cluster::PersistState.
// The text and its checks are config/durable_state_file.h; this is the IO around it.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "io/interfaces.h"
#include "model/durable_state.h"
#include "model/ids.h"

namespace tandem::app {

std::string durable_state_path(const std::string& state_dir);

// What the file holds, or nullopt when there is none (a fresh node). A file that cannot be
// trusted (not a regular file, unreadable, too large, cut short, changed, another node's)
// is an error naming it and what is wrong, with what to do: the daemon refuses to start
// rather than guess what this node voted (a fresh start is one `rm` away).
Result<std::optional<DurableState>> load_durable_state(const std::string& path, NodeId self);

// io::DurableStore on the file. Each save replaces it atomically: a temporary file written
// and synced, renamed over it, the directory synced; so a crash leaves the old state or the
// new, whole. A save that fails removes the file, so that a later start finds a fresh node
// (which sits out an election round) and never an outdated vote; if even the removal fails,
// `on_fatal` is called (after the save returns): the daemon must stop while it can, since
// its next start would trust that outdated vote.
class DurableStateFile final : public io::DurableStore {
 public:
  DurableStateFile(std::string path, NodeId self, std::function<void(const Error&)> on_fatal);

  Result<void> save(const DurableState& state) override;

 private:
  std::string path_;
  NodeId self_;
  std::function<void(const Error&)> on_fatal_;
};

}  // namespace tandem::app
