#include "proto/fields.h"

#include <gtest/gtest.h>

#include "proto/field_writer.h"

namespace tandem::proto {
namespace {

std::vector<std::uint8_t> bytes_of(void (*write)(FieldWriter&)) {
  Writer out;
  FieldWriter fields(out);
  write(fields);
  return out.take();
}

std::string error_of(const Fields& fields) { return fields.error() ? fields.error()->message() : "ok"; }

TEST(Fields, SkipsFieldsItDoesNotAskFor) {
  const auto bytes = bytes_of([](FieldWriter& out) {
    out.text(900, "from a newer version");
    out.u64(1, 42);
    out.u32(901, 7);
  });
  Fields fields(bytes, "Test");
  EXPECT_EQ(fields.u64(1, "count"), 42u);
  EXPECT_TRUE(fields.ok()) << error_of(fields);
}

TEST(Fields, NamesAMissingRequiredField) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.u64(1, 42); });
  Fields fields(bytes, "Test");
  fields.u64(2, "epoch");
  EXPECT_EQ(error_of(fields), "Test.epoch: required field is missing");
}

TEST(Fields, RefusesASingleFieldGivenTwice) {
  const auto bytes = bytes_of([](FieldWriter& out) {
    out.u64(1, 1);
    out.u64(1, 2);
  });
  Fields fields(bytes, "Test");
  fields.u64(1, "epoch");
  EXPECT_EQ(error_of(fields), "Test.epoch: field is given more than once");
}

TEST(Fields, RefusesAnIntegerOfTheWrongWidth) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.u32(1, 1); });
  Fields fields(bytes, "Test");
  fields.u64(1, "epoch");
  EXPECT_EQ(error_of(fields), "Test.epoch: field is 4 bytes long, expected 8");
}

TEST(Fields, RefusesAFieldLongerThanWhatRemains) {
  const std::vector<std::uint8_t> bytes = {0, 1, 0, 0, 0, 9, 1, 2};
  Fields fields(bytes, "Test");
  EXPECT_EQ(error_of(fields), "Test: field 1 at byte 0 claims 9 bytes but only 2 remain");
}

TEST(Fields, RefusesATruncatedFieldHeader) {
  const std::vector<std::uint8_t> bytes = {0, 1, 0};
  Fields fields(bytes, "Test");
  EXPECT_EQ(error_of(fields), "Test: field header at byte 0 is truncated");
}

TEST(Fields, RefusesABooleanOtherThanZeroOrOne) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.u8(1, 2); });
  Fields fields(bytes, "Test");
  fields.boolean(1, "ok");
  EXPECT_EQ(error_of(fields), "Test.ok: value 2 is not a boolean (0 or 1)");
}

TEST(Fields, RefusesAnUnknownAddressFamily) {
  const auto bytes = bytes_of([](FieldWriter& out) {
    out.text(1,
             "\x09"
             "abcd");
  });
  Fields fields(bytes, "Test");
  fields.address(1, "address");
  EXPECT_EQ(error_of(fields), "Test.address: unknown address family 9");
}

TEST(Fields, RefusesAnAddressOfTheWrongLengthForItsFamily) {
  const auto bytes = bytes_of([](FieldWriter& out) {
    out.text(1,
             "\x06"
             "abcd");
  });
  Fields fields(bytes, "Test");
  fields.address(1, "address");
  EXPECT_EQ(error_of(fields), "Test.address: field is 5 bytes long, expected 17 for IPv6");
}

TEST(Fields, RefusesAPrefixLongerThanTheAddress) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.text(1, std::string("\x04\x0a\x00\x00\x01\x21", 6)); });
  Fields fields(bytes, "Test");
  fields.prefix(1, "address");
  EXPECT_EQ(error_of(fields), "Test.address: prefix length 33 is longer than 32");
}

TEST(Fields, ReadsAnIpv4AndAnIpv6Prefix) {
  const auto bytes = bytes_of([](FieldWriter& out) {
    out.prefix(1, IpPrefix::parse("10.0.0.1/8").value());
    out.prefix(2, IpPrefix::parse("2001:db8::1/128").value());
  });
  Fields fields(bytes, "Test");
  EXPECT_EQ(fields.prefix(1, "a"), IpPrefix::parse("10.0.0.1/8").value());
  EXPECT_EQ(fields.prefix(2, "b"), IpPrefix::parse("2001:db8::1/128").value());
  EXPECT_TRUE(fields.ok()) << error_of(fields);
}

TEST(Fields, RefusesAnEmptyIdentifier) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.text(1, ""); });
  Fields fields(bytes, "Test");
  fields.identifier(1, "interface", 15);
  EXPECT_EQ(error_of(fields), "Test.interface: is empty");
}

TEST(Fields, RefusesAnIdentifierOverItsLimit) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.text(1, "abcdefghijklmnop"); });
  Fields fields(bytes, "Test");
  fields.identifier(1, "interface", 15);
  EXPECT_EQ(error_of(fields), "Test.interface: is 16 bytes long; at most 15 are allowed");
}

TEST(Fields, RefusesAControlCharacterInAnIdentifier) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.text(1, std::string("eth\0", 4)); });
  Fields fields(bytes, "Test");
  fields.identifier(1, "interface", 15);
  EXPECT_EQ(error_of(fields), "Test.interface: contains control character 0");
}

TEST(Fields, RefusesTheBroadcastIdAsANode) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.u32(1, 0xFFFFFFFFu); });
  Fields fields(bytes, "Test");
  fields.node(1, "leader");
  EXPECT_EQ(error_of(fields), "Test.leader: the broadcast id is not a node");
}

TEST(Fields, KeepsTheFirstErrorAndReturnsDefaultsAfterIt) {
  const auto bytes = bytes_of([](FieldWriter& out) { out.u64(2, 5); });
  Fields fields(bytes, "Test");
  fields.u64(1, "first");
  EXPECT_EQ(fields.u64(2, "second"), 0u);
  EXPECT_EQ(error_of(fields), "Test.first: required field is missing");
}

TEST(Fields, PlacesListItemsByIndex) {
  Writer out;
  FieldWriter writer(out);
  for (int i = 0; i < 3; ++i) {
    const auto mark = writer.begin_nested(4);
    if (i != 2) writer.u64(1, 5);
    writer.end_nested(mark);
  }
  Fields fields(out.data(), "Test");
  for (auto& item : fields.items(4, "items")) {
    item.u64(1, "value");
    fields.absorb(item);
  }
  EXPECT_EQ(error_of(fields), "Test.items[2].value: required field is missing");
}

}  // namespace
}  // namespace tandem::proto
