// Picking actions out of what a NodeMachine returned, for the machine's unit tests.
#pragma once

#include <variant>
#include <vector>

#include "cluster/action.h"

namespace tandem::cluster::testing {

// Every action of type T, in order.
template <typename T>
std::vector<T> all_of(const std::vector<Action>& actions) {
  std::vector<T> found;
  for (const auto& action : actions) {
    if (const auto* each = std::get_if<T>(&action)) found.push_back(*each);
  }
  return found;
}

// What `actions` send to `to`, of message type M.
template <typename M>
std::vector<M> sent(const std::vector<Action>& actions, NodeId to) {
  std::vector<M> found;
  for (const auto& send : all_of<SendMessage>(actions)) {
    if (const auto* message = std::get_if<M>(&send.message); message && send.to == to) found.push_back(*message);
  }
  return found;
}

}  // namespace tandem::cluster::testing
