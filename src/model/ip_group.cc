#include "model/ip_group.h"

namespace tandem {

std::string_view to_string(PathLossPolicy policy) { return policy == PathLossPolicy::kStay ? "stay" : "move"; }

std::optional<PathLossPolicy> parse_path_loss_policy(std::string_view text) {
  if (text == "move") return PathLossPolicy::kMove;
  if (text == "stay") return PathLossPolicy::kStay;
  return std::nullopt;
}

}  // namespace tandem
