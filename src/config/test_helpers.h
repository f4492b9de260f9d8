// Assertions shared by the config tests (not part of the library).
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "base/result.h"

namespace tandem::config {

// Passes when `result` is an error at exactly `place` whose cause contains `cause_part`.
template <typename T>
::testing::AssertionResult fails_at(const Result<T>& result, std::string_view place, std::string_view cause_part) {
  if (result.ok()) return ::testing::AssertionFailure() << "expected an error at " << place << ", got success";
  const Error& error = result.error();
  if (error.place != place || error.cause.find(cause_part) == std::string::npos) {
    return ::testing::AssertionFailure() << "expected " << place << ": ..." << cause_part << "...\n"
                                         << "     got " << error.message();
  }
  return ::testing::AssertionSuccess();
}

// Passes when `result` holds a value, and shows the error otherwise.
template <typename T>
::testing::AssertionResult succeeds(const Result<T>& result) {
  if (result.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "unexpected error: " << result.error().message();
}

}  // namespace tandem::config
