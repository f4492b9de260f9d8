#include "lab/iscsi_outages.h"

#include <algorithm>

namespace tandem::lab {

void IscsiOutages::logged_in(std::int64_t t_ms, const std::string& node) {
  sessions_.push_back(IscsiSessionSpan{portal_, node, t_ms, std::nullopt, std::nullopt, 0});
}

std::optional<IscsiOutage> IscsiOutages::good_read(std::int64_t t_ms) {
  std::string node = sessions_.empty() ? "" : sessions_.back().node;
  if (!sessions_.empty()) {
    IscsiSessionSpan& span = sessions_.back();
    if (!span.first_good_ms) span.first_good_ms = t_ms;
    span.last_good_ms = t_ms;
    ++span.reads;
  }
  GoodRead read{t_ms, node};
  std::optional<IscsiOutage> ended;
  if (last_good_ && (pending_errors_ > 0 || t_ms - last_good_->t_ms > gap_max_.count())) {
    ended = IscsiOutage{portal_, *last_good_, read, pending_errors_, pending_texts_};
    outages_.push_back(*ended);
  }
  last_good_ = read;
  pending_errors_ = 0;
  pending_texts_.clear();
  return ended;
}

void IscsiOutages::error(std::int64_t t_ms, const std::string& text) {
  ++pending_errors_;
  ++error_count_;
  error_times_ms_.push_back(t_ms);
  if (pending_texts_.size() < kErrorTextsMax) pending_texts_.push_back(text);
}

int IscsiOutages::errors_since(std::int64_t since_ms) const {
  return static_cast<int>(
      std::count_if(error_times_ms_.begin(), error_times_ms_.end(), [&](std::int64_t t) { return t >= since_ms; }));
}

std::optional<std::string> find_split(const std::vector<IscsiSessionSpan>& sessions) {
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    for (std::size_t j = i + 1; j < sessions.size(); ++j) {
      const IscsiSessionSpan& a = sessions[i];
      const IscsiSessionSpan& b = sessions[j];
      if (a.node == b.node || !a.first_good_ms || !b.first_good_ms) continue;
      if (*a.first_good_ms <= *b.last_good_ms && *b.first_good_ms <= *a.last_good_ms) {
        auto text = [](const IscsiSessionSpan& s) {
          return "portal " + s.portal + " " + s.node + " [" + std::to_string(*s.first_good_ms) + ", " +
                 std::to_string(*s.last_good_ms) + "]";
        };
        return text(a) + " overlaps " + text(b);
      }
    }
  }
  return std::nullopt;
}

nlohmann::json iscsi_outage_json(const IscsiOutage& outage) {
  return {{"event", "outage"},
          {"portal", outage.portal},
          {"last_good_ms", outage.last_good.t_ms},
          {"node_before", outage.last_good.node},
          {"first_good_ms", outage.first_good.t_ms},
          {"node_after", outage.first_good.node},
          {"outage_ms", outage.duration_ms()},
          {"errors", outage.errors},
          {"error_texts", outage.error_texts}};
}

nlohmann::json iscsi_session_json(const IscsiSessionSpan& session) {
  nlohmann::json json{{"event", "session"},
                      {"portal", session.portal},
                      {"node", session.node},
                      {"login_ms", session.login_ms},
                      {"reads", session.reads}};
  json["first_good_ms"] = session.first_good_ms ? nlohmann::json(*session.first_good_ms) : nlohmann::json();
  json["last_good_ms"] = session.last_good_ms ? nlohmann::json(*session.last_good_ms) : nlohmann::json();
  return json;
}

}  // namespace tandem::lab
