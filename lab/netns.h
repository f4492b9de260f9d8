// Entering the lab's network namespaces from inside a process.
//
// setns(CLONE_NEWNET) changes the namespace of the calling THREAD only, so the lab (and
// tests and benchmarks driving it) run whatever must live inside a namespace (the prober,
// a gratuitous ARP) on a thread of its own, and the process's other threads never move.
// Sockets stay in the namespace they were made in, whatever thread uses them later.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "base/result.h"

namespace tandem::lab {

// Moves the calling thread into the namespace named `netns` (/run/netns/NAME). Only for a
// thread made for the purpose.
Result<void> enter_netns(const std::string& netns);

// Runs `body` on a new thread inside `netns` and waits for it. An error if the thread
// could not enter (then `body` did not run).
Result<void> run_in_netns(const std::string& netns, const std::function<void()>& body);

// Milliseconds of CLOCK_MONOTONIC: one clock for every process on the machine, so that
// the prober's times and a fault injected by another process compare directly.
std::int64_t monotonic_ms();

}  // namespace tandem::lab
