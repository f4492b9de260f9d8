// Result<T>: a value or an Error, for every operation that can fail on bad input.
//
// C++20 has no std::expected; this is the small subset the project needs. Accessing the
// value of an error (or the error of a value) is a bug and crashes via TANDEM_CHECK.
#pragma once

#include <utility>
#include <variant>

#include "base/check.h"
#include "base/error.h"

namespace tandem {

// Lets `return fail("place", "cause");` convert into any Result<T>.
struct Failure {
  Error error;
};

inline Failure fail(std::string place, std::string cause) { return Failure{Error{std::move(place), std::move(cause)}}; }
inline Failure fail(Error error) { return Failure{std::move(error)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}                  // NOLINT: implicit by design
  Result(Failure failure) : state_(std::move(failure.error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    TANDEM_CHECK(ok());
    return std::get<0>(state_);
  }
  T& value() & {
    TANDEM_CHECK(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    TANDEM_CHECK(ok());
    return std::get<0>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    TANDEM_CHECK(!ok());
    return std::get<1>(state_);
  }

 private:
  std::variant<T, Error> state_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Failure failure) : error_(std::move(failure.error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    TANDEM_CHECK(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> success() { return {}; }

}  // namespace tandem
