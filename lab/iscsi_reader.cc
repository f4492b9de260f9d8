#include "lab/iscsi_reader.h"

#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>
#include <poll.h>

#include <algorithm>
#include <cstring>

#include "lab/netns.h"

namespace tandem::lab {

// The reader thread's side: one libiscsi context per portal at a time.
struct IscsiReaderLoop {
  enum class Phase { kNone, kLoggingIn, kIdentifying, kReady, kReading };

  // One login's context. Callbacks reach it through `this`; once `is_closing`, they only
  // free their task (libiscsi calls them with SCSI_STATUS_CANCELLED while destroying).
  struct Session {
    IscsiReaderLoop* loop = nullptr;
    std::size_t portal = 0;
    iscsi_context* context = nullptr;
    Phase phase = Phase::kNone;
    std::int64_t since_ms = 0;  // of the login, or of the READ in flight
    std::string node;
    bool is_closing = false;
    std::string close_reason;  // set by a callback: close after iscsi_service returns
  };

  struct PortalState {
    std::unique_ptr<Session> session;
    std::int64_t next_ms = 0;  // next login attempt, or next READ
  };

  IscsiReader& reader;
  std::vector<PortalState> portals;
  static constexpr std::uint32_t kBlockSize = 512;

  explicit IscsiReaderLoop(IscsiReader& owner) : reader(owner), portals(owner.target_.portals.size()) {}

  ~IscsiReaderLoop() {
    for (auto& portal : portals) destroy(portal);
  }

  static void destroy(PortalState& portal) {
    if (!portal.session) return;
    portal.session->is_closing = true;
    if (portal.session->context != nullptr) iscsi_destroy_context(portal.session->context);
    portal.session.reset();
  }

  void close(std::size_t index, std::int64_t now, const std::string& reason) {
    reader.error(index, now, reason);
    destroy(portals[index]);
    portals[index].next_ms = now + reader.options_.interval.count();
  }

  std::string portal_url(std::size_t index) const {
    const std::string& address = reader.target_.portals[index];
    std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
    return host + ":" + std::to_string(reader.options_.port);
  }

  static std::string error_text(Session* session, const char* what) {
    const char* detail = session->context != nullptr ? iscsi_get_error(session->context) : nullptr;
    return std::string(what) + (detail != nullptr && *detail != '\0' ? std::string(": ") + detail : "");
  }

  static void on_login(iscsi_context*, int status, void*, void* data) {
    auto* session = static_cast<Session*>(data);
    if (session->is_closing) return;
    if (status != SCSI_STATUS_GOOD) {
      session->close_reason = error_text(session, "login failed");
      return;
    }
    session->phase = Phase::kIdentifying;
    if (iscsi_inquiry_task(session->context, session->loop->reader.target_.lun, 0, 0, 255, on_inquiry, session) ==
        nullptr) {
      session->close_reason = error_text(session, "cannot send INQUIRY");
    }
  }

  static void on_inquiry(iscsi_context*, int status, void* command, void* data) {
    auto* task = static_cast<scsi_task*>(command);
    auto* session = static_cast<Session*>(data);
    if (!session->is_closing) {
      auto* inquiry = status == SCSI_STATUS_GOOD && task != nullptr
                          ? static_cast<scsi_inquiry_standard*>(scsi_datain_unmarshall(task))
                          : nullptr;
      if (inquiry == nullptr) {
        session->close_reason = error_text(session, "INQUIRY failed");
      } else {
        std::string node(inquiry->product_revision_level);
        node.erase(node.find_last_not_of(' ') + 1);
        session->node = node;
        session->phase = Phase::kReady;
        session->loop->reader.logged_in(session->portal, monotonic_ms(), node);
      }
    }
    if (task != nullptr) scsi_free_scsi_task(task);
  }

  static void on_read(iscsi_context*, int status, void* command, void* data) {
    auto* task = static_cast<scsi_task*>(command);
    auto* session = static_cast<Session*>(data);
    if (!session->is_closing) {
      if (status == SCSI_STATUS_GOOD) {
        session->phase = Phase::kReady;
        session->loop->reader.good_read(session->portal, monotonic_ms());
      } else {
        session->close_reason = error_text(session, "READ failed");
      }
    }
    if (task != nullptr) scsi_free_scsi_task(task);
  }

  void start_login(std::size_t index, std::int64_t now) {
    auto session = std::make_unique<Session>();
    session->loop = this;
    session->portal = index;
    session->since_ms = now;
    session->phase = Phase::kLoggingIn;
    session->context = iscsi_create_context(reader.options_.initiator.c_str());
    PortalState& portal = portals[index];
    portal.session = std::move(session);
    Session* s = portal.session.get();
    if (s->context == nullptr) return close(index, now, "cannot create a libiscsi context");
    iscsi_set_targetname(s->context, reader.target_.iqn.c_str());
    iscsi_set_session_type(s->context, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(s->context, ISCSI_HEADER_DIGEST_NONE);
    iscsi_set_noautoreconnect(s->context, 1);
    std::string url = portal_url(index);
    if (iscsi_full_connect_async(s->context, url.c_str(), reader.target_.lun, on_login, s) != 0) {
      close(index, now, error_text(s, "cannot start login"));
    }
  }

  void start_read(std::size_t index, std::int64_t now) {
    Session* s = portals[index].session.get();
    s->phase = Phase::kReading;
    s->since_ms = now;
    portals[index].next_ms = now + reader.options_.interval.count();
    if (iscsi_read10_task(s->context, reader.target_.lun, 0, kBlockSize, kBlockSize, 0, 0, 0, 0, 0, on_read, s) ==
        nullptr) {
      close(index, now, error_text(s, "cannot send READ"));
    }
  }

  // Starts what is due and ends what took too long.
  void step(std::size_t index, std::int64_t now) {
    PortalState& portal = portals[index];
    Session* s = portal.session.get();
    if (s == nullptr) {
      if (now >= portal.next_ms) start_login(index, now);
      return;
    }
    const auto& options = reader.options_;
    bool is_logging_in = s->phase == Phase::kLoggingIn || s->phase == Phase::kIdentifying;
    if (is_logging_in && now - s->since_ms > options.login_timeout.count()) return close(index, now, "login timed out");
    if (s->phase == Phase::kReading && now - s->since_ms > options.command_timeout.count()) {
      return close(index, now, "READ timed out");
    }
    if (s->phase == Phase::kReady && now >= portal.next_ms) start_read(index, now);
  }

  void run() {
    std::vector<pollfd> fds;
    std::vector<std::size_t> owners;
    while (!reader.is_stopping_.load()) {
      std::int64_t now = monotonic_ms();
      for (std::size_t i = 0; i < portals.size(); ++i) step(i, now);
      fds.clear();
      owners.clear();
      for (std::size_t i = 0; i < portals.size(); ++i) {
        Session* s = portals[i].session.get();
        if (s == nullptr || iscsi_get_fd(s->context) < 0) continue;
        fds.push_back({iscsi_get_fd(s->context), static_cast<short>(iscsi_which_events(s->context)), 0});
        owners.push_back(i);
      }
      ::poll(fds.data(), fds.size(), 2);
      now = monotonic_ms();
      for (std::size_t k = 0; k < fds.size(); ++k) {
        Session* s = portals[owners[k]].session.get();
        if (fds[k].revents != 0 && iscsi_service(s->context, fds[k].revents) < 0 && s->close_reason.empty()) {
          s->close_reason = error_text(s, "connection failed");
        }
        if (!s->close_reason.empty()) close(owners[k], now, s->close_reason);
      }
    }
  }
};

IscsiReader::IscsiReader(IscsiTargetAddress target, IscsiReaderOptions options, OutageSink sink)
    : target_(std::move(target)), options_(std::move(options)), sink_(std::move(sink)) {
  for (const auto& portal : target_.portals) trackers_.emplace_back(portal, options_.gap_max);
}

Result<std::unique_ptr<IscsiReader>> IscsiReader::start(const std::string& netns, IscsiTargetAddress target,
                                                        IscsiReaderOptions options, OutageSink sink) {
  if (target.portals.empty()) return fail("iSCSI reader", "no portal to read from");
  std::unique_ptr<IscsiReader> reader(new IscsiReader(std::move(target), std::move(options), std::move(sink)));
  IscsiReader* raw = reader.get();
  reader->thread_ = std::thread([raw, netns] { raw->run(netns); });
  return reader;
}

IscsiReader::~IscsiReader() {
  is_stopping_.store(true);
  if (thread_.joinable()) thread_.join();
}

void IscsiReader::run(const std::string& netns) {
  if (!netns.empty()) {
    if (auto entered = enter_netns(netns); !entered) {
      std::lock_guard lock(mutex_);
      failure_ = entered.error();
      return;
    }
  }
  IscsiReaderLoop loop(*this);
  loop.run();
}

void IscsiReader::logged_in(std::size_t portal, std::int64_t t_ms, const std::string& node) {
  std::lock_guard lock(mutex_);
  trackers_[portal].logged_in(t_ms, node);
}

void IscsiReader::good_read(std::size_t portal, std::int64_t t_ms) {
  std::optional<IscsiOutage> ended;
  {
    std::lock_guard lock(mutex_);
    ended = trackers_[portal].good_read(t_ms);
    if (ended) outages_.push_back(*ended);
  }
  if (ended && sink_) sink_(*ended);
}

void IscsiReader::error(std::size_t portal, std::int64_t t_ms, const std::string& text) {
  std::lock_guard lock(mutex_);
  trackers_[portal].error(t_ms, text);
}

std::vector<IscsiOutage> IscsiReader::outages() const {
  std::lock_guard lock(mutex_);
  return outages_;
}

std::vector<IscsiSessionSpan> IscsiReader::sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<IscsiSessionSpan> all;
  for (const auto& tracker : trackers_) all.insert(all.end(), tracker.sessions().begin(), tracker.sessions().end());
  return all;
}

std::optional<GoodRead> IscsiReader::last_good(const std::string& portal) const {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < target_.portals.size(); ++i) {
    if (target_.portals[i] == portal) return trackers_[i].last_good();
  }
  return std::nullopt;
}

int IscsiReader::errors_since(const std::string& portal, std::int64_t since_ms) const {
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < target_.portals.size(); ++i) {
    if (target_.portals[i] == portal) return trackers_[i].errors_since(since_ms);
  }
  return 0;
}

std::optional<GoodRead> IscsiReader::wait_for_read(const std::string& portal, std::int64_t since_ms,
                                                   std::chrono::milliseconds limit,
                                                   const std::function<bool(const std::string&)>& accept) const {
  std::int64_t deadline = monotonic_ms() + limit.count();
  while (true) {
    auto read = last_good(portal);
    if (read && read->t_ms >= since_ms && (!accept || accept(read->node))) return read;
    if (monotonic_ms() >= deadline || failure()) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

bool IscsiReader::wait_until_steady(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const {
  std::int64_t start = monotonic_ms();
  std::int64_t deadline = start + limit.count();
  std::int64_t steady_since = start;
  while (monotonic_ms() < deadline && !failure()) {
    std::int64_t now = monotonic_ms();
    bool is_steady = true;
    for (const auto& portal : target_.portals) {
      auto read = last_good(portal);
      is_steady =
          is_steady && read && now - read->t_ms <= options_.gap_max.count() && errors_since(portal, steady_since) == 0;
    }
    if (!is_steady) steady_since = now;
    if (now - steady_since >= quiet.count()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::optional<Error> IscsiReader::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

}  // namespace tandem::lab
