// FileReader: runs file reads that can hang — a cluster filesystem that stops answering,
// where `ip_groups` and the cluster lock live — on a thread of their own, so that the event
// loop never waits for them.
//
//   reader.read<Loaded>("reading the configuration", job, [](Result<Loaded> result) {...});
//
// `job` runs on a new thread and must touch nothing the loop owns (it reads files and
// builds a value). Its result is posted back to the io_context and handed to `done` on the
// loop's thread. If it has not finished within the time limit, `done` gets an error at
// once ("WHAT did not finish within N ms") and a late result is dropped; the thread is
// left to end when the filesystem answers (a thread stuck in the kernel cannot be killed),
// and at most kAbandonedMax such threads may be left: beyond that, read() refuses at once.
// One read at a time: a read() while one is under way is refused ("WHAT is already under
// way"). Destroying the reader drops every result still to come.
//
// Before the loop runs (at start), read_before_loop() is the same bound for a read the
// process waits for: the job runs on a thread of its own, and a job that has not finished
// within the limit gives an error at once, its thread left behind.
#pragma once

#include <asio.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"

namespace tandem::app {

class FileReader {
 public:
  // Reads that were abandoned at their time limit and whose thread has not ended yet.
  static constexpr int kAbandonedMax = 4;

  FileReader(asio::io_context& context, std::chrono::milliseconds limit)
      : context_(context), limit_(limit), shared_(std::make_shared<Shared>()) {}
  ~FileReader() {
    if (current_) current_->timer.cancel();
    std::lock_guard lock(shared_->mutex);
    shared_->is_alive = false;
  }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  bool is_reading() const { return current_ != nullptr; }
  int abandoned() const { return shared_->abandoned.load(); }

  template <typename T>
  void read(const std::string& what, std::function<Result<T>()> job, std::function<void(Result<T>)> done) {
    if (current_) return done(fail(what, "is already under way"));
    if (abandoned() >= kAbandonedMax) {
      return done(fail(what, std::to_string(abandoned()) + " earlier reads have not finished (a hung filesystem?)"));
    }
    auto call = std::make_shared<Call>(context_);
    current_ = call;
    auto finish = [this, call, done](Result<T> result) {
      if (call->is_settled) return;
      call->is_settled = true;
      call->timer.cancel();
      current_.reset();
      done(std::move(result));
    };
    call->timer.expires_after(limit_);
    call->timer.async_wait([this, call, what, finish](const asio::error_code& error) mutable {
      if (error || call->is_settled) return;
      call->is_abandoned = true;
      ++shared_->abandoned;
      finish(fail(what, "did not finish within " + std::to_string(limit_.count()) +
                            " ms (a hung filesystem?); the running configuration stays in force"));
    });
    std::thread([shared = shared_, context = &context_, call, job = std::move(job), finish]() mutable {
      auto result = std::make_shared<Result<T>>(job());
      std::lock_guard lock(shared->mutex);
      if (!shared->is_alive) return;
      asio::post(*context, [shared, call, result, finish]() mutable {
        if (call->is_abandoned) --shared->abandoned;
        if (shared->is_alive) finish(std::move(*result));
      });
    }).detach();
  }

 private:
  struct Shared {
    std::mutex mutex;
    bool is_alive = true;  // under mutex; read on the loop too, where only the loop writes it
    std::atomic<int> abandoned{0};
  };
  // One read; touched only on the loop's thread.
  struct Call {
    explicit Call(asio::io_context& context) : timer(context) {}
    asio::steady_timer timer;
    bool is_settled = false;
    bool is_abandoned = false;
  };

  asio::io_context& context_;
  std::chrono::milliseconds limit_;
  std::shared_ptr<Shared> shared_;
  std::shared_ptr<Call> current_;
};

// Runs `job` on a thread of its own and waits at most `limit` for it: its result, or
// "WHAT: did not finish within N ms (a hung filesystem?)". For the start, before the event
// loop runs; the thread of a job that did not finish is left to end when it can.
template <typename T>
Result<T> read_before_loop(const std::string& what, std::chrono::milliseconds limit, std::function<Result<T>()> job) {
  auto task = std::make_shared<std::packaged_task<Result<T>()>>(std::move(job));
  std::future<Result<T>> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(limit) != std::future_status::ready) {
    return fail(what, "did not finish within " + std::to_string(limit.count()) + " ms (a hung filesystem?)");
  }
  return result.get();
}

}  // namespace tandem::app
