#include "sys/mesh_counters.h"

#include <gtest/gtest.h>

namespace tandem::sys {
namespace {

TEST(RefusalCause, SortsAStreamsErrorsIntoStableWords) {
  EXPECT_EQ(refusal_cause(Error{"hello", "bad magic"}, false), "bad_hello");
  EXPECT_EQ(refusal_cause(Error{"hello from node 9", "not a configured peer"}, false), "unknown_peer");
  EXPECT_EQ(refusal_cause(Error{"frame", "authentication tag does not verify (tampered)"}, true), "bad_tag");
  EXPECT_EQ(refusal_cause(Error{"frame 4 from node 1", "replayed: sequence not above 9"}, true), "replayed");
  EXPECT_EQ(refusal_cause(Error{"frame 4 from node 1", "meant for node 2, not this node"}, true), "misrouted");
  EXPECT_EQ(refusal_cause(Error{"frame 4 from node 1", "this connection speaks for node 3"}, true), "misrouted");
  EXPECT_EQ(refusal_cause(Error{"frame 4 from node 1: Heartbeat", "truncated"}, true), "malformed");
}

}  // namespace
}  // namespace tandem::sys
