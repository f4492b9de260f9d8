#include <gtest/gtest.h>

#include "proto/reader.h"
#include "proto/writer.h"

namespace tandem::proto {
namespace {

TEST(Writer, WritesIntegersBigEndian) {
  Writer out;
  out.u8(0x01);
  out.u16(0x0203);
  out.u32(0x04050607);
  out.u64(0x08090a0b0c0d0e0fULL);
  const std::vector<std::uint8_t> expected = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  EXPECT_EQ(out.data(), expected);
}

TEST(Writer, PatchesALengthWrittenEarlier) {
  Writer out;
  out.u32(0);
  out.u8(9);
  out.patch_u32(0, 0xAABBCCDD);
  EXPECT_EQ(out.data(), (std::vector<std::uint8_t>{0xAA, 0xBB, 0xCC, 0xDD, 9}));
}

TEST(Reader, ReadsBackWhatTheWriterWrote) {
  Writer out;
  out.u8(200);
  out.u16(65000);
  out.u32(4000000000u);
  out.u64(18000000000000000000ULL);
  Reader in(out.data());
  EXPECT_EQ(in.u8(), 200);
  EXPECT_EQ(in.u16(), 65000);
  EXPECT_EQ(in.u32(), 4000000000u);
  EXPECT_EQ(in.u64(), 18000000000000000000ULL);
  EXPECT_TRUE(in.at_end());
}

TEST(Reader, RefusesToReadPastTheEndAndConsumesNothing) {
  const std::vector<std::uint8_t> bytes = {1, 2, 3};
  Reader in(bytes);
  EXPECT_EQ(in.u32(), std::nullopt);
  EXPECT_EQ(in.bytes(4), std::nullopt);
  EXPECT_EQ(in.remaining(), 3u);
  EXPECT_EQ(in.u16(), 0x0102);
  EXPECT_EQ(in.u16(), std::nullopt);
  EXPECT_EQ(in.u8(), 3);
  EXPECT_EQ(in.u8(), std::nullopt);
}

}  // namespace
}  // namespace tandem::proto
