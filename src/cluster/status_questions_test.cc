#include "cluster/status_questions.h"

#include <gtest/gtest.h>

namespace tandem::cluster {
namespace {

using namespace std::chrono_literals;

TEST(StatusQuestions, OnlyTheNodeAskedAnswers) {
  StatusQuestions questions;
  EXPECT_EQ(questions.ask(9, NodeId(1), kTimeZero), std::nullopt);
  EXPECT_FALSE(questions.answer(9, NodeId(2)));
  EXPECT_TRUE(questions.answer(9, NodeId(1)));
}

TEST(StatusQuestions, AQuestionIsAnsweredOnce) {
  StatusQuestions questions;
  (void)questions.ask(9, NodeId(1), kTimeZero);
  EXPECT_TRUE(questions.answer(9, NodeId(1)));
  EXPECT_FALSE(questions.answer(9, NodeId(1)));
}

TEST(StatusQuestions, QuestionsThatWaitedTooLongExpireInOrder) {
  StatusQuestions questions;
  (void)questions.ask(3, NodeId(1), kTimeZero);
  (void)questions.ask(1, NodeId(1), kTimeZero + 1s);
  (void)questions.ask(2, NodeId(1), kTimeZero + 5s);
  EXPECT_EQ(questions.expire(kTimeZero + 2s, 1s), (std::vector<std::uint64_t>{1, 3}));
  EXPECT_EQ(questions.size(), 1u);
}

TEST(StatusQuestions, WhenFullTheOldestIsGivenBackToAnswerLocally) {
  StatusQuestions questions;
  for (std::uint64_t id = 0; id < StatusQuestions::kWaitingMax; ++id) {
    EXPECT_EQ(questions.ask(id, NodeId(1), kTimeZero + std::chrono::milliseconds(100 - id)), std::nullopt);
  }
  EXPECT_EQ(questions.ask(1000, NodeId(1), kTimeZero + 1s), StatusQuestions::kWaitingMax - 1);
  EXPECT_EQ(questions.size(), StatusQuestions::kWaitingMax);
}

}  // namespace
}  // namespace tandem::cluster
