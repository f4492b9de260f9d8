// IscsiOutages: what one portal's READs say about its outages and sessions.
//
// Pure: the reader (iscsi_reader.h) feeds it, in time order, each login (with the node
// that answered it), each good READ and each error (a failed login, a failed or timed-out
// READ); it keeps the outages and the sessions. An outage runs from the last good READ
// before it to the first good READ after it, and is either a gap longer than `gap_max`
// between two good READs or any error between them (a READ that is slow but succeeds, as
// over a link that failed until TCP retransmits on the new one, is a gap with no error).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tandem::lab {

inline constexpr std::size_t kErrorTextsMax = 3;  // kept per outage; the rest are counted

struct GoodRead {
  std::int64_t t_ms = 0;
  std::string node;  // the session's node, from its login's INQUIRY ("n1"; "" if unknown)

  friend bool operator==(const GoodRead&, const GoodRead&) = default;
};

struct IscsiOutage {
  std::string portal;
  GoodRead last_good;   // before
  GoodRead first_good;  // after
  int errors = 0;
  std::vector<std::string> error_texts;  // the first kErrorTextsMax
  std::int64_t duration_ms() const { return first_good.t_ms - last_good.t_ms; }

  friend bool operator==(const IscsiOutage&, const IscsiOutage&) = default;
};

// One login: the READs it served, from its first good READ to its last.
struct IscsiSessionSpan {
  std::string portal;
  std::string node;
  std::int64_t login_ms = 0;
  std::optional<std::int64_t> first_good_ms;
  std::optional<std::int64_t> last_good_ms;
  int reads = 0;

  friend bool operator==(const IscsiSessionSpan&, const IscsiSessionSpan&) = default;
};

class IscsiOutages {
 public:
  IscsiOutages(std::string portal, std::chrono::milliseconds gap_max) : portal_(std::move(portal)), gap_max_(gap_max) {}

  void logged_in(std::int64_t t_ms, const std::string& node);
  // Returns the outage that this READ ends, if it ends one.
  std::optional<IscsiOutage> good_read(std::int64_t t_ms);
  void error(std::int64_t t_ms, const std::string& text);

  const std::vector<IscsiOutage>& outages() const { return outages_; }
  const std::vector<IscsiSessionSpan>& sessions() const { return sessions_; }
  const std::optional<GoodRead>& last_good() const { return last_good_; }
  int error_count() const { return error_count_; }
  // The errors at or after `since_ms`.
  int errors_since(std::int64_t since_ms) const;

 private:
  std::string portal_;
  std::chrono::milliseconds gap_max_;
  std::optional<GoodRead> last_good_;
  int pending_errors_ = 0;
  std::vector<std::string> pending_texts_;
  std::vector<std::int64_t> error_times_ms_;
  int error_count_ = 0;
  std::vector<IscsiOutage> outages_;
  std::vector<IscsiSessionSpan> sessions_;
};

// One JSON object each, for `tandem-lab iscsi-read` and the benchmark's results.
nlohmann::json iscsi_outage_json(const IscsiOutage& outage);
nlohmann::json iscsi_session_json(const IscsiSessionSpan& session);

// Whether two portals' sessions ever served READs from different nodes at overlapping
// times: the first such pair, as text ("portal A n0 [t1, t2] overlaps portal B n1 [t3, t4]").
std::optional<std::string> find_split(const std::vector<IscsiSessionSpan>& sessions);

}  // namespace tandem::lab
