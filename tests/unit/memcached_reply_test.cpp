#include <gtest/gtest.h>

#include "storage/memcached/chunk_head.hpp"
#include "storage/memcached/memcached_reply.hpp"

using namespace larder::storage;
using Status = MemcachedReply::Status;

TEST(MemcachedReply, GetHitMissAndRefusal) {
  const std::string hit = "VALUE k 7 5\r\nhe\r\no\r\nEND\r\n";
  auto reply = parse_get_reply(hit);
  ASSERT_EQ(reply.status, Status::Complete);
  EXPECT_EQ(reply.consumed, hit.size());
  ASSERT_TRUE(reply.item);
  EXPECT_EQ(reply.item->flags, 7u);
  EXPECT_EQ(reply.item->data, "he\r\no");

  reply = parse_get_reply("END\r\n");
  ASSERT_EQ(reply.status, Status::Complete);
  EXPECT_FALSE(reply.item);

  reply = parse_get_reply("SERVER_ERROR out of memory\r\n");
  ASSERT_EQ(reply.status, Status::Complete);
  EXPECT_EQ(reply.line, "SERVER_ERROR out of memory");
}

TEST(MemcachedReply, IncompleteRepliesSayHowMuchToRead) {
  auto reply = parse_get_reply("VALUE k 0 100\r\nabc");
  ASSERT_EQ(reply.status, Status::Incomplete);
  EXPECT_EQ(reply.wanted, 15u + 100 + 2);
  reply = parse_get_reply("VALUE k 0 3\r\nabc\r\nEN");
  ASSERT_EQ(reply.status, Status::Incomplete);
  EXPECT_GT(reply.wanted, std::string("VALUE k 0 3\r\nabc\r\nEN").size());
}

TEST(MemcachedReply, DamagedRepliesAreMalformedNotBuffered) {
  // A declared size past memcached's limit, or one that overflows, is refused before reading.
  EXPECT_EQ(parse_get_reply("VALUE k 0 18446744073709551615\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_get_reply("VALUE k 0 1073741825\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_get_reply("VALUE k 0 -1\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_get_reply("VALUE k x 1\r\n").status, Status::Malformed);
  // Data not followed by \r\n where the VALUE line says it ends: the stream is out of step.
  EXPECT_EQ(parse_get_reply("VALUE k 0 2\r\nabc\r\nEND\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_get_reply("HELLO\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_line_reply(std::string(kMaxMemcachedLine + 1, 'x')).status, Status::Malformed);
}

TEST(MemcachedReply, Stats) {
  auto reply = parse_stats_reply("STAT pid 1\r\nSTAT version 1.6.18\r\nEND\r\n");
  ASSERT_EQ(reply.status, Status::Complete);
  EXPECT_EQ(reply.stats.at("version"), "1.6.18");
  EXPECT_EQ(parse_stats_reply("STAT pid 1\r\nbogus\r\nEND\r\n").status, Status::Malformed);
  EXPECT_EQ(parse_stats_reply("ERROR\r\n").line, "ERROR");
}

TEST(ChunkHead, RoundTripsAndRefusesDamage) {
  const ChunkHead head{"0123456789abcdef", 3, 2500000};
  const auto back = parse_chunk_head(format_chunk_head(head));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->write_id, head.write_id);
  EXPECT_EQ(back->chunks, 3u);
  EXPECT_EQ(back->total, 2500000u);
  EXPECT_FALSE(parse_chunk_head("0123456789abcdef 0 0"));
  EXPECT_FALSE(parse_chunk_head("0123456789abcdef 100001 1"));
  EXPECT_FALSE(parse_chunk_head("0123456789abcdef 1 18446744073709551615"));  // no 16 EiB reserve
  EXPECT_FALSE(parse_chunk_head("../../etc/passwd 1 1"));
  EXPECT_FALSE(parse_chunk_head("0123456789abcdef 1"));
}
