// IscsiReader: an iSCSI initiator on libiscsi that keeps one session per portal open and
// issues a READ every `interval` on each, reconnecting on error, and logs every outage.
//
// It runs on a thread of its own that first enters a namespace (the lab's client), with
// libiscsi's asynchronous API and one poll loop over every portal, so that a slow portal
// never delays another. Per portal: log in (to `iqn`, LUN `lun`), then a standard INQUIRY
// whose product revision names the node that answered (examples/iscsi-tgt: node_label),
// then READ(10) of one block every interval, one at a time. A login that takes longer than
// `login_timeout`, a READ that takes longer than `command_timeout`, or any failure is an
// error: the session is dropped and a new login starts at the next interval. The outages
// are IscsiOutages' (iscsi_outages.h). Times are lab/netns.h's monotonic_ms().
//
// Contract: the accessors are thread-safe; the reader owns its thread and its libiscsi
// contexts, and ends both in its destructor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "lab/iscsi_outages.h"

namespace tandem::lab {

struct IscsiReaderOptions {
  std::chrono::milliseconds interval{10};
  std::chrono::milliseconds login_timeout{150};
  std::chrono::milliseconds command_timeout{1000};
  std::chrono::milliseconds gap_max{50};  // a longer gap between good READs is an outage
  std::string initiator = "iqn.2026-12.org.example.tandem-lab:initiator";
  std::uint16_t port = 3260;
};

struct IscsiTargetAddress {
  std::string iqn;
  int lun = 1;
  std::vector<std::string> portals;  // addresses ("198.51.100.10", "2001:db8:100::10")
};

class IscsiReader {
 public:
  // Called on the reader's thread for every outage as it ends (may be empty).
  using OutageSink = std::function<void(const IscsiOutage&)>;

  static Result<std::unique_ptr<IscsiReader>> start(const std::string& netns, IscsiTargetAddress target,
                                                    IscsiReaderOptions options, OutageSink sink = {});
  ~IscsiReader();
  IscsiReader(const IscsiReader&) = delete;
  IscsiReader& operator=(const IscsiReader&) = delete;

  const std::vector<std::string>& portals() const { return target_.portals; }

  std::vector<IscsiOutage> outages() const;        // every portal's, in the order they ended
  std::vector<IscsiSessionSpan> sessions() const;  // every portal's
  std::optional<GoodRead> last_good(const std::string& portal) const;
  int errors_since(const std::string& portal, std::int64_t since_ms) const;

  // The first good READ on `portal` at or after `since_ms` from a node that `accept` takes
  // (any node when empty); nullopt after waiting `limit`.
  std::optional<GoodRead> wait_for_read(const std::string& portal, std::int64_t since_ms,
                                        std::chrono::milliseconds limit,
                                        const std::function<bool(const std::string&)>& accept = {}) const;
  // Waits until every portal had good READs for `quiet` with no outage and no error.
  bool wait_until_steady(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const;

  // Why the thread stopped early (it could not enter the namespace), if it did.
  std::optional<Error> failure() const;

 private:
  IscsiReader(IscsiTargetAddress target, IscsiReaderOptions options, OutageSink sink);
  void run(const std::string& netns);
  // From the reader's thread.
  void logged_in(std::size_t portal, std::int64_t t_ms, const std::string& node);
  void good_read(std::size_t portal, std::int64_t t_ms);
  void error(std::size_t portal, std::int64_t t_ms, const std::string& text);

  IscsiTargetAddress target_;
  IscsiReaderOptions options_;
  OutageSink sink_;
  mutable std::mutex mutex_;            // guards trackers_, outages_, failure_
  std::vector<IscsiOutages> trackers_;  // one per portal, as target_.portals
  std::vector<IscsiOutage> outages_;
  std::optional<Error> failure_;
  std::atomic<bool> is_stopping_{false};
  std::thread thread_;

  friend struct IscsiReaderLoop;
};

}  // namespace tandem::lab
