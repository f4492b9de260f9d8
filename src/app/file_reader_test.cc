#include "app/file_reader.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace tandem::app {
namespace {

using namespace std::chrono_literals;

// A read that does not end until the test lets it: a hung filesystem.
struct Gate {
  std::mutex mutex;
  std::condition_variable opened;
  bool is_open = false;

  void open() {
    std::lock_guard lock(mutex);
    is_open = true;
    opened.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex);
    opened.wait(lock, [&] { return is_open; });
  }
};

TEST(FileReader, HandsTheResultToTheLoopsThread) {
  asio::io_context context;
  FileReader reader(context, 10s);
  std::optional<Result<int>> got;
  std::thread::id job_thread;
  std::thread::id done_thread;
  reader.read<int>(
      "reading",
      [&]() -> Result<int> {
        job_thread = std::this_thread::get_id();
        return 42;
      },
      [&](Result<int> result) {
        done_thread = std::this_thread::get_id();
        got = std::move(result);
        context.stop();
      });
  context.run_for(10s);
  ASSERT_TRUE(got && got->ok());
  EXPECT_EQ(**got, 42);
  EXPECT_EQ(done_thread, std::this_thread::get_id());
  EXPECT_NE(job_thread, std::this_thread::get_id());
}

TEST(FileReader, AReadThatHangsIsReportedAtItsLimitAndItsLateResultDropped) {
  asio::io_context context;
  FileReader reader(context, 50ms);
  auto gate = std::make_shared<Gate>();
  int calls = 0;
  std::optional<Error> error;
  reader.read<int>(
      "reading ip_groups",
      [gate]() -> Result<int> {
        gate->wait();
        return 1;
      },
      [&](Result<int> result) {
        ++calls;
        if (!result) error = result.error();
      });
  context.run_for(5s);  // ends once the limit's timer has fired: nothing else is pending
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->place, "reading ip_groups");
  EXPECT_EQ(error->cause.rfind("did not finish within 50 ms", 0), 0u) << error->cause;
  EXPECT_EQ(reader.abandoned(), 1);
  EXPECT_FALSE(reader.is_reading());

  gate->open();
  context.restart();
  auto guard = asio::make_work_guard(context);  // the worker's post is the only work to come
  for (int i = 0; i < 500 && reader.abandoned() > 0; ++i) context.run_for(10ms);
  guard.reset();
  EXPECT_EQ(reader.abandoned(), 0);
  EXPECT_EQ(calls, 1) << "the late result reached `done`";
}

TEST(FileReader, RefusesASecondReadWhileOneIsUnderWay) {
  asio::io_context context;
  FileReader reader(context, 10s);
  auto gate = std::make_shared<Gate>();
  reader.read<int>(
      "first",
      [gate]() -> Result<int> {
        gate->wait();
        return 1;
      },
      [](Result<int>) {});
  std::optional<Error> refused;
  reader.read<int>(
      "second", []() -> Result<int> { return 2; },
      [&](Result<int> result) {
        if (!result) refused = result.error();
      });
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->message(), "second: is already under way");
  gate->open();
  context.run_for(5s);
  EXPECT_FALSE(reader.is_reading());
}

TEST(ReadBeforeLoop, GivesTheJobsResultFromAThreadOfItsOwn) {
  std::thread::id job_thread;
  auto got = read_before_loop<int>("reading", 10s, [&]() -> Result<int> {
    job_thread = std::this_thread::get_id();
    return 42;
  });
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(*got, 42);
  EXPECT_NE(job_thread, std::this_thread::get_id());
}

TEST(ReadBeforeLoop, AReadThatHangsIsAnErrorAtItsLimit) {
  auto gate = std::make_shared<Gate>();
  auto got = read_before_loop<int>("reading the configuration", 50ms, [gate]() -> Result<int> {
    gate->wait();
    return 1;
  });
  gate->open();  // lets the abandoned thread end
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message(), "reading the configuration: did not finish within 50 ms (a hung filesystem?)");
}

}  // namespace
}  // namespace tandem::app
