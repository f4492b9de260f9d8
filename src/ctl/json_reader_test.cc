#include "ctl/json_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace tandem::ctl {
namespace {

TEST(JsonPlace, SpellsMembersAndElementsAsAPath) {
  const JsonPlace root("state");
  const JsonPlace nodes = root.member("nodes");
  const JsonPlace node = nodes.element(2);
  EXPECT_EQ(node.member("interfaces").member("eth1").to_string(), "state.nodes[2].interfaces.eth1");
}

TEST(JsonPlace, QuotesAKeyThatIsNotAPlainWord) {
  const JsonPlace root("state");
  EXPECT_EQ(root.member("198.51.100.10").to_string(), "state[\"198.51.100.10\"]");
  EXPECT_EQ(root.member("").to_string(), "state[\"\"]");
  EXPECT_EQ(root.member("say \"hi\"").to_string(), "state[\"say \\\"hi\\\"\"]");
}

TEST(ParseJson, NamesAKeyRepeatedInsideAnArrayElement) {
  auto document = parse_json(R"({"a": [{}, {"b": [1, 2], "c": 1, "b": 2}]})", "doc");
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().message(), "doc.a[1].b: the key appears twice in one object");
}

TEST(ParseJson, AcceptsOneKeyInSeveralObjects) {
  auto document = parse_json(R"({"a": {"x": 1}, "b": {"x": 2}, "c": [{"x": 3}, {"x": 4}]})", "doc");
  ASSERT_TRUE(document.ok()) << document.error();
  EXPECT_EQ((*document)["c"][1]["x"], 4);
}

TEST(ParseJson, RejectsTrailingText) {
  auto document = parse_json("{} {}", "doc");
  ASSERT_FALSE(document.ok());
  EXPECT_EQ(document.error().place, "doc");
  EXPECT_EQ(document.error().cause.rfind("not valid JSON: line 1, column 4:", 0), 0u) << document.error();
}

TEST(Describe, ShowsScalarsAsWrittenAndContainersByKind) {
  EXPECT_EQ(describe(Json("up")), "\"up\"");
  EXPECT_EQ(describe(Json(-1)), "-1");
  EXPECT_EQ(describe(Json(nullptr)), "null");
  EXPECT_EQ(describe(Json::object()), "an object");
  EXPECT_EQ(describe(Json::array()), "an array");
}

TEST(Describe, CutsALongStringAtAWholeCharacter) {
  // Sixty bytes are shown: the quote, 57 x, one "é" (two bytes); the next "é" would be split.
  const std::string shown = describe(Json(std::string(57, 'x') + "\xc3\xa9\xc3\xa9"));
  EXPECT_EQ(shown, "\"" + std::string(57, 'x') + "\xc3\xa9...");
  // One byte fewer room: the first "é" would be split, so it goes too.
  EXPECT_EQ(describe(Json(std::string(58, 'x') + "\xc3\xa9\xc3\xa9")), "\"" + std::string(58, 'x') + "...");
}

TEST(ExpectKnownKeys, NamesTheFirstUnknownKeyAndListsTheKnownOnes) {
  const Json object = Json::parse(R"({"ip": 1, "interfce": 2})");
  auto known = expect_known_keys(object, JsonPlace("address"), {"ip", "interfaces"});
  ASSERT_FALSE(known.ok());
  EXPECT_EQ(known.error().message(), "address.interfce: unknown key (known here: ip, interfaces)");
}

TEST(ReadUnsigned, RejectsFractions) {
  auto number = read_unsigned(Json(1.5), JsonPlace("n"));
  ASSERT_FALSE(number.ok());
  EXPECT_EQ(number.error().message(), "n: expected a whole number of 0 or more, got 1.5");
}

}  // namespace
}  // namespace tandem::ctl
