#include <gtest/gtest.h>

#include "storage/redis/redis_reply.hpp"

using namespace larder::storage;

TEST(RedisReplyReader, ReadsRepliesFedInPieces) {
  RedisReplyReader reader;
  std::string error;
  reader.feed("$5\r\nhel");
  EXPECT_FALSE(reader.next(error));
  EXPECT_TRUE(error.empty());
  reader.feed("lo\r\n*2\r\n:1\r\n$-1\r\n");
  auto first = reader.next(error);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->type, RedisReply::Type::String);
  EXPECT_EQ(first->text, "hello");
  auto second = reader.next(error);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->type, RedisReply::Type::Array);
  ASSERT_EQ(second->elements.size(), 2u);
  EXPECT_EQ(second->elements[0].integer, 1);
  EXPECT_EQ(second->elements[1].type, RedisReply::Type::Nil);
}

TEST(RedisReplyReader, RefusesHugeArraysBeforeAllocating) {
  RedisReplyReader reader;
  std::string error;
  reader.feed("*2000000000\r\n");  // hiredis alone would allocate 16 GB of element pointers
  EXPECT_FALSE(reader.next(error));
  EXPECT_FALSE(error.empty());
}

TEST(RedisReplyReader, ProtocolErrorsAreReported) {
  RedisReplyReader reader;
  std::string error;
  reader.feed("?what\r\n");
  EXPECT_FALSE(reader.next(error));
  EXPECT_FALSE(error.empty());
}
