#include "base/unique_fd.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <utility>

namespace tandem {
namespace {

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

int open_null() { return ::open("/dev/null", O_RDONLY | O_CLOEXEC); }

TEST(UniqueFd, OwnsNothingByDefault) {
  UniqueFd fd;
  EXPECT_FALSE(fd.is_valid());
  EXPECT_EQ(fd.get(), -1);
}

TEST(UniqueFd, ClosesItsFdWhenDestroyed) {
  int raw = open_null();
  ASSERT_GE(raw, 0);
  {
    UniqueFd fd(raw);
    EXPECT_TRUE(fd.is_valid());
  }
  EXPECT_FALSE(is_open(raw));
}

TEST(UniqueFd, MovingTransfersOwnership) {
  int raw = open_null();
  UniqueFd first(raw);
  UniqueFd second(std::move(first));
  EXPECT_FALSE(first.is_valid());  // NOLINT(bugprone-use-after-move): checks the moved-from state
  EXPECT_EQ(second.get(), raw);
  UniqueFd third;
  third = std::move(second);
  EXPECT_EQ(third.get(), raw);
  EXPECT_TRUE(is_open(raw));
}

TEST(UniqueFd, MoveAssignmentClosesTheFdItHeld) {
  int held = open_null();
  UniqueFd target(held);
  target = UniqueFd(open_null());
  EXPECT_FALSE(is_open(held));
}

TEST(UniqueFd, ReleaseHandsTheFdOverWithoutClosing) {
  int raw = open_null();
  UniqueFd fd(raw);
  int taken = fd.release();
  EXPECT_FALSE(fd.is_valid());
  EXPECT_TRUE(is_open(taken));
  ::close(taken);
}

TEST(UniqueFd, ResetClosesAndAdopts) {
  int old_raw = open_null();
  int new_raw = open_null();
  UniqueFd fd(old_raw);
  fd.reset(new_raw);
  EXPECT_FALSE(is_open(old_raw));
  EXPECT_EQ(fd.get(), new_raw);
  fd.reset();
  EXPECT_FALSE(is_open(new_raw));
}

}  // namespace
}  // namespace tandem
