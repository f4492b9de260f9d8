// The durable state file against a temporary directory: written whole or not at all, read
// back, and refused with a clear error when it cannot be trusted.
#include "app/durable_state.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace tandem::app {
namespace {

constexpr NodeId kSelf{1};

class DurableStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "durable_state_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = durable_state_path(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DurableStateFile store(const std::string& path) {
    return DurableStateFile(path, kSelf, [this](const Error& error) { fatal_ = error; });
  }
  std::string contents() const {
    std::ifstream in(path_);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  void put(const std::string& text) const { std::ofstream(path_) << text; }
  std::string load_error() const {
    auto loaded = load_durable_state(path_, kSelf);
    return loaded ? "" : loaded.error().message();
  }

  std::string dir_;
  std::string path_;
  std::optional<Error> fatal_;
};

TEST_F(DurableStateTest, NoFileIsAFreshNode) {
  auto loaded = load_durable_state(path_, kSelf);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(DurableStateTest, ReadsBackTheLatestStateSaved) {
  auto file = store(path_);
  ASSERT_TRUE(file.save(DurableState{3, 4}));
  ASSERT_TRUE(file.save(DurableState{5, 5}));
  auto loaded = load_durable_state(path_, kSelf);
  ASSERT_TRUE(loaded) << loaded.error().message();
  EXPECT_EQ(*loaded, (DurableState{5, 5}));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".new"));  // renamed into place
}

TEST_F(DurableStateTest, RefusesAFileCutShortNamingItAndWhatToDo) {
  ASSERT_TRUE(store(path_).save(DurableState{7, 7}));
  const std::string whole = contents();
  put(whole.substr(0, whole.size() / 2));
  const std::string error = load_error();
  EXPECT_NE(error.find(path_ + ": has no checksum line"), std::string::npos) << error;
  EXPECT_NE(error.find("remove the file to start it as a fresh node"), std::string::npos) << error;
}

TEST_F(DurableStateTest, RefusesAFileWhoseNumbersChanged) {
  ASSERT_TRUE(store(path_).save(DurableState{7, 7}));
  std::string text = contents();
  text.replace(text.find("epoch 7"), 7, "epoch 1");
  put(text);
  EXPECT_NE(load_error().find("does not match the contents"), std::string::npos) << load_error();
}

TEST_F(DurableStateTest, RefusesAFifoWithoutBlocking) {
  ASSERT_EQ(::mkfifo(path_.c_str(), 0600), 0);
  EXPECT_NE(load_error().find(path_ + ": not a regular file"), std::string::npos) << load_error();
}

TEST_F(DurableStateTest, RefusesASymbolicLink) {
  ASSERT_TRUE(store(dir_ + "/elsewhere").save(DurableState{2, 2}));
  std::filesystem::create_symlink(dir_ + "/elsewhere", path_);
  EXPECT_NE(load_error().find(path_), std::string::npos) << load_error();
}

// The state could not be written: the old file goes, so a later start is a fresh node's
// (with its sit-out), never one that trusts a vote older than the one sent.
TEST_F(DurableStateTest, AFailedSaveRemovesTheFileItCouldNotReplace) {
  auto file = store(path_);
  ASSERT_TRUE(file.save(DurableState{3, 3}));
  std::filesystem::create_directory(path_ + ".new");  // the temporary file cannot be made
  auto saved = file.save(DurableState{4, 4});
  ASSERT_FALSE(saved);
  EXPECT_NE(saved.error().message().find("the file is removed"), std::string::npos) << saved.error().message();
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(fatal_);
  auto loaded = load_durable_state(path_, kSelf);
  ASSERT_TRUE(loaded);
  EXPECT_FALSE(loaded->has_value());
}

TEST_F(DurableStateTest, ASaveThatCanNeitherWriteNorRemoveIsFatal) {
  std::ofstream(dir_ + "/not_a_directory") << "x";
  auto file = store(dir_ + "/not_a_directory/durable_state");
  EXPECT_FALSE(file.save(DurableState{1, 1}));
  ASSERT_TRUE(fatal_);
  EXPECT_NE(fatal_->message().find("would trust an outdated vote"), std::string::npos) << fatal_->message();
}

}  // namespace
}  // namespace tandem::app
