#include "config/durable_state_file.h"

#include <gtest/gtest.h>

#include "config/test_helpers.h"

namespace tandem::config {
namespace {

constexpr NodeId kSelf{2};
const DurableState kState{17, 18};

Result<DurableState> parse(std::string_view text) { return parse_durable_state(text, "durable_state", kSelf); }

// A file whose checksum line matches its contents, whatever they say.
std::string sealed(const std::string& body) {
  std::string text = body;
  char digits[9];
  std::snprintf(digits, sizeof digits, "%08x", crc32_of(body));
  return text + "checksum " + digits + "\n";
}

TEST(DurableStateFile, ReadsBackWhatItWrote) {
  auto read = parse(durable_state_text(kState, kSelf));
  ASSERT_TRUE(succeeds(read));
  EXPECT_EQ(*read, kState);
}

TEST(DurableStateFile, ComputesTheStandardCrc32) {
  EXPECT_EQ(crc32_of("123456789"), 0xcbf43926U);  // the check value of CRC-32/ISO-HDLC
  EXPECT_EQ(crc32_of(""), 0U);
}

TEST(DurableStateFile, RefusesAFileCutShort) {
  const std::string text = durable_state_text(kState, kSelf);
  const std::string cut = text.substr(0, text.find("voted_epoch"));
  EXPECT_TRUE(fails_at(parse(cut), "durable_state", "has no checksum line at its end"));
  EXPECT_TRUE(fails_at(parse(text.substr(0, text.size() - 3)), "durable_state:7",
                       "the checksum line must be the file's last, ended by a newline"));
  EXPECT_TRUE(fails_at(parse(""), "durable_state", "has no checksum line"));
}

TEST(DurableStateFile, RefusesAFileWhoseContentsChanged) {
  std::string text = durable_state_text(kState, kSelf);
  text.replace(text.find("epoch 17"), 8, "epoch 71");
  EXPECT_TRUE(fails_at(parse(text), "durable_state:7", "does not match the contents"));
}

TEST(DurableStateFile, RefusesAMalformedChecksum) {
  EXPECT_TRUE(fails_at(parse("version 1\nchecksum xyz\n"), "durable_state:2", "8 hex digits"));
}

TEST(DurableStateFile, RefusesTheStateOfAnotherNode) {
  EXPECT_TRUE(fails_at(parse(durable_state_text(kState, NodeId(3))), "durable_state:4",
                       "written by node 3, but this is node 2"));
}

TEST(DurableStateFile, RefusesAnUnknownVersion) {
  EXPECT_TRUE(fails_at(parse(sealed("\nversion 2\nnode 2\nepoch 1\nvoted_epoch 1\n")), "durable_state:2",
                       "version 2 is not one this tandemd reads"));
}

TEST(DurableStateFile, RefusesAMissingOrRepeatedOrUnknownKey) {
  EXPECT_TRUE(
      fails_at(parse(sealed("\nversion 1\nnode 2\nepoch 1\n")), "durable_state", "has no \"voted_epoch\" line"));
  EXPECT_TRUE(fails_at(parse(sealed("\nversion 1\nnode 2\nepoch 1\nepoch 2\nvoted_epoch 1\n")), "durable_state:5",
                       "epoch is already given on line 4"));
  EXPECT_TRUE(fails_at(parse(sealed("\nversion 1\nnode 2\nterm 1\n")), "durable_state:4", "unknown key 'term'"));
  EXPECT_TRUE(fails_at(parse(sealed("\nversion 1\nnode 2\nepoch -1\n")), "durable_state:4", "expected KEY NUMBER"));
}

TEST(DurableStateFile, RefusesAFileLargerThanItsLimit) {
  EXPECT_TRUE(fails_at(parse(std::string(kDurableStateSizeMax + 1, '#')), "durable_state", "larger than 4096 bytes"));
}

}  // namespace
}  // namespace tandem::config
