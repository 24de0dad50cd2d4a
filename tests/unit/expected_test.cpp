#include "util/expected.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>

#include "util/with_problems.hpp"

using namespace larder;

namespace {

Expected<int> parse_digit(char c) {
  if (c < '0' || c > '9') return unexpected(std::string("not a digit: ") + c);
  return c - '0';
}

Expected<void> check_even(int value) {
  if (value % 2 != 0) return unexpected("odd");
  return {};
}

}  // namespace

TEST(ExpectedTest, HoldsAValueOrAnError) {
  const auto seven = parse_digit('7');
  ASSERT_TRUE(seven.has_value());
  EXPECT_TRUE(seven);
  EXPECT_EQ(*seven, 7);
  EXPECT_EQ(seven.value(), 7);
  EXPECT_EQ(seven.value_or(0), 7);
  EXPECT_EQ(seven.error_or("none"), "none");

  const auto letter = parse_digit('x');
  ASSERT_FALSE(letter.has_value());
  EXPECT_FALSE(letter);
  EXPECT_EQ(letter.error(), "not a digit: x");
  EXPECT_EQ(letter.value_or(-1), -1);
  EXPECT_EQ(letter.error_or("none"), "not a digit: x");
}

TEST(ExpectedTest, ValueThrowsWithTheErrorWhenThereIsNone) {
  const auto letter = parse_digit('x');
  try {
    (void)letter.value();
    FAIL() << "value() returned";
  } catch (const BadExpectedAccess<std::string>& error) {
    EXPECT_EQ(error.error(), "not a digit: x");
  }
  EXPECT_THROW(check_even(3).value(), BadExpectedAccess<std::string>);
  EXPECT_NO_THROW(check_even(4).value());
}

TEST(ExpectedTest, VoidHoldsSuccessOrAnError) {
  const Expected<void> fine;
  EXPECT_TRUE(fine.has_value());
  EXPECT_TRUE(check_even(2));
  const auto odd = check_even(3);
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error(), "odd");
  EXPECT_EQ(odd, unexpected(std::string("odd")));
  EXPECT_EQ(check_even(2), Expected<void>());
  EXPECT_FALSE(check_even(3) == Expected<void>());
}

TEST(ExpectedTest, ValueAndErrorMayHaveTheSameType) {
  const Expected<std::string> value = std::string("value");
  const Expected<std::string> error = unexpected(std::string("error"));
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, "value");
  EXPECT_EQ(value->size(), 5u);
  ASSERT_FALSE(error);
  EXPECT_EQ(error.error(), "error");
  EXPECT_NE(value, error);
  EXPECT_EQ(value, std::string("value"));
  EXPECT_FALSE(error == std::string("error"));
  EXPECT_EQ(error, unexpected(std::string("error")));
}

TEST(ExpectedTest, MovesValuesAndErrorsOut) {
  Expected<std::unique_ptr<int>> owned = std::make_unique<int>(5);
  std::unique_ptr<int> taken = *std::move(owned);
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 5);

  Expected<int, std::unique_ptr<std::string>> failed = unexpected(std::make_unique<std::string>("why"));
  std::unique_ptr<std::string> why = std::move(failed).error();
  EXPECT_EQ(*why, "why");
}

TEST(ExpectedTest, AndThenChainsOnlyOnAValue) {
  auto doubled = [](int value) -> Expected<int> { return value * 2; };
  EXPECT_EQ(parse_digit('4').and_then(doubled), 8);
  EXPECT_EQ(parse_digit('x').and_then(doubled).error(), "not a digit: x");
  bool called = false;
  auto after = [&]() -> Expected<int> {
    called = true;
    return 1;
  };
  EXPECT_EQ(check_even(3).and_then(after).error(), "odd");
  EXPECT_FALSE(called);
  EXPECT_EQ(check_even(2).and_then(after), 1);
  EXPECT_TRUE(called);
}

TEST(ExpectedTest, UnexpectedDeducesItsTypeAsStdUnexpectedDoes) {
  static_assert(std::is_same_v<decltype(unexpected(std::string())), Unexpected<std::string>>);
  static_assert(std::is_same_v<decltype(unexpected("text")), Unexpected<const char*>>);
  static_assert(std::is_same_v<decltype(Unexpected(5)), Unexpected<int>>);
  // An error of another type converts to the error type on its way in.
  const Expected<int> converted = unexpected("text");
  EXPECT_EQ(converted.error(), "text");
  static_assert(std::is_same_v<Expected<int>::error_type, std::string>);
  static_assert(!std::is_convertible_v<Expected<int>, bool>);  // no silent `if (result == true)`
}

TEST(ExpectedTest, WithProblemsGathersTheProblemsOfItsParts) {
  WithProblems<std::string> whole;
  const int part = whole.take(WithProblems<int>{3, {"first"}});
  whole.value = std::to_string(part);
  (void)whole.take(WithProblems<int>{4, {"second", "third"}});
  EXPECT_EQ(whole.value, "3");
  EXPECT_EQ(whole.problems, (std::vector<std::string>{"first", "second", "third"}));
}
