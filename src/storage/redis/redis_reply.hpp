#pragma once
// Turns the bytes a Redis server sends into replies with hiredis's protocol reader, apart from
// the socket: RedisConnection feeds it what it receives, and fuzz/redis_reply.cpp feeds it
// arbitrary bytes. A reply is untrusted input: array lengths are bounded before hiredis
// allocates room for their elements.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace larder::storage {

struct RedisReply {
  enum class Type { String, Status, Error, Integer, Nil, Array };
  Type type = Type::Nil;
  std::string text;  // String, Status, Error
  long long integer = 0;
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::Error; }
};

// larder's commands are answered by arrays of a few elements (HELLO, INFO sections are strings).
inline constexpr int kMaxRedisArray = 1024;

class RedisReplyReader {
 public:
  RedisReplyReader();
  ~RedisReplyReader();
  RedisReplyReader(const RedisReplyReader&) = delete;
  RedisReplyReader& operator=(const RedisReplyReader&) = delete;

  void feed(std::string_view bytes);
  // The next complete reply, or nullopt when more bytes are needed. On a protocol error returns
  // nullopt and sets `error` (the stream is then out of step: close it).
  std::optional<RedisReply> next(std::string& error);

 private:
  struct Free {
    void operator()(redisReader* reader) const;
  };
  std::unique_ptr<redisReader, Free> reader_;
};

}  // namespace larder::storage
