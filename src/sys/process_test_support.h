// Helpers of the process tests (child_process, process_hook_runner, asio_timers): a scratch
// directory that removes itself, scripts written into it, and running an io_context until a
// condition holds. Test-only.
#pragma once

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <asio.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>

namespace tandem::sys::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tandem-proc-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

  // Writes `text` to `name` with permission bits `mode`.
  void write(const std::string& name, const std::string& text, mode_t mode = 0644) const {
    {
      std::ofstream out(file(name));
      out << text;
    }
    ::chmod(file(name).c_str(), mode);
  }
  void write_script(const std::string& name, const std::string& body, mode_t mode = 0755) const {
    write(name, "#!/bin/sh\n" + body + "\n", mode);
  }
  // The whole of file `name`, or "" when it does not exist.
  std::string read(const std::string& name) const {
    std::ifstream in(file(name));
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

 private:
  std::string path_;
};

// Runs `context` until `done()` or `limit` passed; returns done().
inline bool run_until(asio::io_context& context, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::milliseconds(3000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    if (context.run_one_for(std::chrono::milliseconds(10)) == 0 && context.stopped()) {
      context.restart();
    }
  }
  return done();
}

// Whether process `pid` is gone or a zombie (an orphan reparented to an init that does not
// reap, in some containers, stays a zombie: it runs no more all the same).
inline bool is_gone(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  if (!in) return true;
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t after_name = stat.rfind(')');
  return after_name == std::string::npos || after_name + 2 >= stat.size() || stat[after_name + 2] == 'Z' ||
         stat[after_name + 2] == 'X';
}

// Waits (without an io_context) until `pid` is gone; returns whether it is.
inline bool wait_gone(pid_t pid, std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!is_gone(pid) && std::chrono::steady_clock::now() < deadline) {
    asio::io_context idle;
    asio::steady_timer pause(idle, std::chrono::milliseconds(5));
    pause.wait();
  }
  return is_gone(pid);
}

}  // namespace tandem::sys::testing
