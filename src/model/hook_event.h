// HookEvent: the events of CTDB's event scripts, plus Tandem's group events.
#pragma once

#include <cstdint>
#include <string_view>

namespace tandem {

enum class HookEvent : std::uint8_t {
  kStartup,        // once, before the node takes part
  kMonitor,        // periodically; failure makes the node UNHEALTHY
  kTakeIp,         // ADDRESS/PREFIX INTERFACE, after the address is added
  kReleaseIp,      // ADDRESS/PREFIX INTERFACE, after the address is removed
  kUpdateIp,       // OLD_INTERFACE NEW_INTERFACE ADDRESS/PREFIX, after a move between interfaces
  kTakeGroup,      // GROUP, after all of the group's addresses arrived
  kReleaseGroup,   // GROUP, before any of the group's addresses go
  kIpReallocated,  // at the end of every takeover run
  kNotify,         // WHAT [DETAILS]: this node's health, flags, leader or a link changed (node/notify_watch.h)
};

constexpr std::string_view hook_event_name(HookEvent event) {
  switch (event) {
    case HookEvent::kStartup:
      return "startup";
    case HookEvent::kMonitor:
      return "monitor";
    case HookEvent::kTakeIp:
      return "takeip";
    case HookEvent::kReleaseIp:
      return "releaseip";
    case HookEvent::kUpdateIp:
      return "updateip";
    case HookEvent::kTakeGroup:
      return "takegroup";
    case HookEvent::kReleaseGroup:
      return "releasegroup";
    case HookEvent::kIpReallocated:
      return "ipreallocated";
    case HookEvent::kNotify:
      return "notify";
  }
  return "unknown";
}

}  // namespace tandem
