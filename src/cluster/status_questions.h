// StatusQuestions: status questions this node forwarded to its leader for its control
// socket, waiting for the answer. PURE.
//
// Only the node asked answers a question (a StatusReply from anyone else, late or
// duplicated, is ignored); a question unanswered after a while is answered by this node
// with its own view. Kept apart from forwarded admin commands: a StatusReply never answers
// an admin command, nor the reverse, even if the daemon numbered both alike.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "base/time.h"
#include "model/ids.h"

namespace tandem::cluster {

class StatusQuestions {
 public:
  // The control socket serves at most 32 connections, so more than this many waiting means
  // answers were lost; the oldest is then answered locally.
  static constexpr std::size_t kWaitingMax = 64;

  // Records question `id`, sent to `asked` at `now`. When kWaitingMax wait already, the
  // oldest is forgotten first and its id returned: the caller answers it locally.
  std::optional<std::uint64_t> ask(std::uint64_t id, NodeId asked, TimePoint now);
  // Whether `from`'s reply answers a waiting question (which is then forgotten).
  bool answer(std::uint64_t id, NodeId from);
  // Forgets the questions that waited `wait` or longer, and returns their ids, in order.
  std::vector<std::uint64_t> expire(TimePoint now, Duration wait);

  std::size_t size() const { return waiting_.size(); }

 private:
  struct Question {
    NodeId asked;
    TimePoint sent_at;
  };
  std::map<std::uint64_t, Question> waiting_;  // by the control socket's request id
};

}  // namespace tandem::cluster
