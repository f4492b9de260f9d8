#include "sys/nft_serving_limiter.h"

#include <nftables/libnftables.h>

#include <chrono>

namespace tandem::sys {
namespace {

// A limit() that took longer than this from reading the clock to the kernel's answer may
// have been stalled in between, so that the timeouts it gave run past the lease: it is
// given again at once with the time left (see the header and docs/design/cluster.md).
constexpr Duration kLateLimit = std::chrono::milliseconds(20);

std::string element_list(const std::vector<IpAddress>& addresses, bool is_v6, const std::string& suffix) {
  std::string text;
  for (const auto& address : addresses) {
    if (address.is_v4() == is_v6) continue;
    text += (text.empty() ? "" : ", ") + address.to_string() + suffix;
  }
  return text;
}

// Flushes `family`'s set `name` and fills it with the addresses of one version.
std::string refill(const std::string& family, const std::string& name, const std::vector<IpAddress>& addresses,
                   bool is_v6, const std::string& suffix) {
  std::string text = "flush set " + family + " " + kNftTable + " " + name + "\n";
  const std::string elements = element_list(addresses, is_v6, suffix);
  if (!elements.empty()) text += "add element " + family + " " + kNftTable + " " + name + " { " + elements + " }\n";
  return text;
}

}  // namespace

std::string nft_table_commands() {
  const std::string t = kNftTable;
  return "add table arp " + t + "\n" + "add set arp " + t + " public4 { type ipv4_addr; }\n" + "add set arp " + t +
         " live4 { type ipv4_addr; flags timeout; }\n" + "flush set arp " + t + " live4\n" + "add chain arp " + t +
         " output { type filter hook output priority 0; policy accept; }\n" + "flush chain arp " + t + " output\n" +
         "add rule arp " + t + " output arp saddr ip @public4 arp saddr ip != @live4 drop\n" + "add table inet " + t +
         "\n" + "add set inet " + t + " public4 { type ipv4_addr; }\n" + "add set inet " + t +
         " live4 { type ipv4_addr; flags timeout; }\n" + "add set inet " + t + " public6 { type ipv6_addr; }\n" +
         "add set inet " + t + " live6 { type ipv6_addr; flags timeout; }\n" + "flush set inet " + t + " live4\n" +
         "flush set inet " + t + " live6\n" + "add chain inet " + t +
         " output { type filter hook output priority 0; policy accept; }\n" + "flush chain inet " + t + " output\n" +
         "add rule inet " + t + " output ip saddr @public4 ip saddr != @live4 drop\n" + "add rule inet " + t +
         " output ip6 saddr @public6 ip6 saddr != @live6 drop\n" + "add chain inet " + t +
         " input { type filter hook input priority 0; policy accept; }\n" + "flush chain inet " + t + " input\n" +
         "add rule inet " + t + " input ip daddr @public4 ip daddr != @live4 drop\n" + "add rule inet " + t +
         " input ip6 daddr @public6 ip6 daddr != @live6 drop\n";
}

std::string nft_limit_commands(const std::vector<IpAddress>& addresses, std::uint64_t live_ms, bool public_changed) {
  std::string text;
  if (public_changed) {
    text += refill("arp", "public4", addresses, false, "");
    text += refill("inet", "public4", addresses, false, "");
    text += refill("inet", "public6", addresses, true, "");
  }
  const std::vector<IpAddress> none;
  const auto& live = live_ms > 0 ? addresses : none;
  const std::string timeout = " timeout " + std::to_string(live_ms) + "ms";
  text += refill("arp", "live4", live, false, timeout);
  text += refill("inet", "live4", live, false, timeout);
  text += refill("inet", "live6", live, true, timeout);
  return text;
}

std::string nft_remove_commands() {
  const std::string t = kNftTable;
  // `add` first, so that deleting a table that is not there is no error.
  return "add table arp " + t + "\ndelete table arp " + t + "\nadd table inet " + t + "\ndelete table inet " + t + "\n";
}

NftServingLimiter::NftServingLimiter(nft_ctx* context, std::function<TimePoint()> now)
    : context_(context), now_(std::move(now)) {}

NftServingLimiter::~NftServingLimiter() { nft_ctx_free(context_); }

namespace {

nft_ctx* new_context() {
  nft_ctx* context = nft_ctx_new(NFT_CTX_DEFAULT);
  if (context == nullptr) return nullptr;
  nft_ctx_buffer_output(context);
  nft_ctx_buffer_error(context);
  return context;
}

}  // namespace

Result<std::unique_ptr<NftServingLimiter>> NftServingLimiter::create(std::function<TimePoint()> now) {
  nft_ctx* context = new_context();
  if (context == nullptr) return fail("nftables", "cannot make a libnftables context");
  std::unique_ptr<NftServingLimiter> limiter(new NftServingLimiter(context, std::move(now)));
  if (auto made = limiter->run(nft_table_commands()); !made) return fail(made.error());
  return limiter;
}

Result<void> NftServingLimiter::remove() {
  nft_ctx* context = new_context();
  if (context == nullptr) return fail("nftables", "cannot make a libnftables context");
  NftServingLimiter limiter(context, [] { return kTimeZero; });
  if (auto removed = limiter.run(nft_remove_commands()); !removed) return fail(removed.error());
  return success();
}

Result<std::string> NftServingLimiter::run(const std::string& commands) {
  if (nft_run_cmd_from_buffer(context_, commands.c_str()) != 0) {
    std::string cause = nft_ctx_get_error_buffer(context_);
    while (!cause.empty() && cause.back() == '\n') cause.pop_back();
    return fail("nftables table " + std::string(kNftTable), cause.empty() ? "the kernel refused the change" : cause);
  }
  return std::string(nft_ctx_get_output_buffer(context_));
}

Result<void> NftServingLimiter::limit(TimePoint until, const std::vector<IpAddress>& addresses) {
  const bool public_changed = !is_public_known_ || addresses != public_;
  // At most twice: a second time only when the first took so long (a stall between the
  // clock and the kernel) that its timeouts may run past `until`.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const TimePoint now = now_();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);  // rounds towards zero
    const std::uint64_t live_ms = left.count() > 0 ? static_cast<std::uint64_t>(left.count()) : 0;
    if (auto done = run(nft_limit_commands(addresses, live_ms, public_changed && attempt == 0)); !done) {
      is_public_known_ = false;  // refill them next time
      return fail(done.error());
    }
    public_ = addresses;
    is_public_known_ = true;
    if (live_ms == 0 || now_() - now <= kLateLimit) return success();
  }
  return success();
}

Result<std::string> NftServingLimiter::list(const std::string& family) {
  return run("list table " + family + " " + kNftTable);
}

}  // namespace tandem::sys
