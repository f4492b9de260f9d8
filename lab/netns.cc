#include "lab/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "base/unique_fd.h"

namespace tandem::lab {

Result<void> enter_netns(const std::string& netns) {
  std::string path = "/run/netns/" + netns;
  UniqueFd handle(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!handle.is_valid())
    return fail("network namespace " + netns, std::string("cannot open: ") + std::strerror(errno));
  if (::setns(handle.get(), CLONE_NEWNET) != 0) {
    return fail("network namespace " + netns, std::string("cannot enter: ") + std::strerror(errno));
  }
  return success();
}

Result<void> run_in_netns(const std::string& netns, const std::function<void()>& body) {
  Result<void> entered = success();
  std::thread thread([&] {
    entered = enter_netns(netns);
    if (entered) body();
  });
  thread.join();
  return entered;
}

std::int64_t monotonic_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

}  // namespace tandem::lab
