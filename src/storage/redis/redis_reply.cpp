#include "storage/redis/redis_reply.hpp"

#include <hiredis/hiredis.h>

#include <new>

namespace larder::storage {

namespace {

RedisReply convert(const redisReply* raw) {
  RedisReply reply;
  switch (raw->type) {
    case REDIS_REPLY_STRING:
      reply.type = RedisReply::Type::String;
      break;
    case REDIS_REPLY_STATUS:
      reply.type = RedisReply::Type::Status;
      break;
    case REDIS_REPLY_ERROR:
      reply.type = RedisReply::Type::Error;
      break;
    case REDIS_REPLY_INTEGER:
      reply.type = RedisReply::Type::Integer;
      break;
    case REDIS_REPLY_ARRAY:
      reply.type = RedisReply::Type::Array;
      break;
    default:
      reply.type = RedisReply::Type::Nil;
      break;
  }
  if (raw->str) reply.text.assign(raw->str, raw->len);
  reply.integer = raw->integer;
  for (size_t i = 0; i < raw->elements; ++i) reply.elements.push_back(convert(raw->element[i]));
  return reply;
}

// hiredis 0.14 allocates an array's element pointers as soon as it reads the length (up to
// INT_MAX): "*2000000000\r\n" would cost 16 GB. Its default object functions, with arrays
// refused above kMaxRedisArray (hiredis then reports an out-of-memory protocol error).
void* (*hiredis_create_array)(const redisReadTask*, int) = nullptr;

void* bounded_create_array(const redisReadTask* task, int elements) {
  if (elements > kMaxRedisArray) return nullptr;
  return hiredis_create_array(task, elements);
}

redisReplyObjectFunctions bounded_functions(const redisReplyObjectFunctions& defaults) {
  redisReplyObjectFunctions functions = defaults;
  hiredis_create_array = defaults.createArray;
  functions.createArray = bounded_create_array;
  return functions;
}

}  // namespace

void RedisReplyReader::Free::operator()(redisReader* reader) const { redisReaderFree(reader); }

RedisReplyReader::RedisReplyReader() : reader_(redisReaderCreate()) {
  if (!reader_) throw std::bad_alloc();
  static redisReplyObjectFunctions functions = bounded_functions(*reader_->fn);
  reader_->fn = &functions;
}

RedisReplyReader::~RedisReplyReader() = default;

void RedisReplyReader::feed(std::string_view bytes) { redisReaderFeed(reader_.get(), bytes.data(), bytes.size()); }

std::optional<RedisReply> RedisReplyReader::next(std::string& error) {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) {
    error = reader_->errstr;
    return std::nullopt;
  }
  if (!raw) return std::nullopt;
  RedisReply reply = convert(static_cast<redisReply*>(raw));
  freeReplyObject(raw);
  return reply;
}

}  // namespace larder::storage
