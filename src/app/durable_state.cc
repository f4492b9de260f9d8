#include "app/durable_state.h"

#include "config/durable_state_file.h"
#include "sys/bounded_file.h"
#include "sys/proc_sys.h"

namespace tandem::app {
namespace {

constexpr const char* kFreshStart =
    "; tandemd will not guess what this node voted: remove the file to start it as a fresh node, which sits out "
    "one election round before it votes";

}  // namespace

std::string durable_state_path(const std::string& state_dir) { return state_dir + "/durable_state"; }

Result<std::optional<DurableState>> load_durable_state(const std::string& path, NodeId self) {
  auto text = sys::read_bounded_file_if_present(
      path, sys::BoundedRead{.size_max = config::kDurableStateSizeMax, .links = sys::Links::kRefuse});
  if (!text) return fail(text.error().place, text.error().cause + kFreshStart);
  if (!text->has_value()) return std::optional<DurableState>();
  auto state = config::parse_durable_state(**text, path, self);
  if (!state) return fail(state.error().place, state.error().cause + kFreshStart);
  return std::optional<DurableState>(*state);
}

DurableStateFile::DurableStateFile(std::string path, NodeId self, std::function<void(const Error&)> on_fatal)
    : path_(std::move(path)), self_(self), on_fatal_(std::move(on_fatal)) {}

Result<void> DurableStateFile::save(const DurableState& state) {
  auto written = sys::replace_file(path_, config::durable_state_text(state, self_));
  if (written) return success();
  if (auto removed = sys::remove_file(path_); !removed) {
    const Error error{removed.error().place, removed.error().cause + " after a failed save (" +
                                                 written.error().message() +
                                                 "): its next start would trust an outdated vote"};
    if (on_fatal_) on_fatal_(error);
    return fail(error);
  }
  return fail(written.error().place,
              written.error().cause + "; the file is removed: a later start is a fresh node's, with its sit-out");
}

}  // namespace tandem::app
