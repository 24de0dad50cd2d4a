#include "storage/redis/redis_connection.hpp"

#include <hiredis/hiredis.h>

#include <memory>

namespace larder::storage {

std::string explain_redis_error(const std::string& error) {
  if (error.rfind("WRONGPASS", 0) == 0 || error.find("invalid password") != std::string::npos ||
      error.find("invalid username-password") != std::string::npos) {
    return "authentication failed: wrong user or password in the redis URL";
  }
  if (error.rfind("NOAUTH", 0) == 0) return "the server requires a password: use redis://:PASSWORD@host:port";
  if (error.find("without any password configured") != std::string::npos) {
    return "a password was given but the server has none: remove it from the URL";
  }
  if (error.rfind("OOM", 0) == 0) {
    return "the server is full (used memory > maxmemory): set maxmemory-policy allkeys-lru or a ttl attribute";
  }
  if (error.rfind("NOPERM", 0) == 0) return "the Redis user lacks permission: " + error;
  if (error.rfind("READONLY", 0) == 0) return "the server is a read-only replica: point the URL at the primary";
  if (error.rfind("LOADING", 0) == 0) return "the server is still loading its data set: try again shortly";
  return "redis error: " + error;
}

NetError RedisConnection::open() {
  if (auto error = stream_.connect(endpoint_.address, endpoint_.timeouts, endpoint_.tls)) return error;
  RedisReply reply;
  if (endpoint_.password) {
    std::vector<std::string_view> auth{"AUTH"};
    if (endpoint_.user && !endpoint_.user->empty()) auth.push_back(*endpoint_.user);
    auth.push_back(*endpoint_.password);
    if (auto error = command(auth, reply)) return error;
    if (reply.is_error()) {
      stream_.close();
      return {NetError::Kind::Other, explain_redis_error(reply.text)};
    }
  }
  if (endpoint_.database != 0) {
    const std::string db = std::to_string(endpoint_.database);
    if (auto error = command({"SELECT", db}, reply)) return error;
    if (reply.is_error()) {
      stream_.close();
      return {NetError::Kind::Other, "cannot select database " + db + ": " + explain_redis_error(reply.text)};
    }
  }
  return {};
}

NetError RedisConnection::command(const std::vector<std::string_view>& args, RedisReply& reply) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (auto arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (length < 0) return {NetError::Kind::Other, "cannot format redis command"};
  std::unique_ptr<char, void (*)(char*)> owned(formatted, [](char* p) { redisFreeCommand(p); });

  stream_.begin_exchange();
  if (auto error = stream_.write_all(std::string_view(formatted, static_cast<size_t>(length)))) return error;

  RedisReplyReader reader;
  std::string buffer;
  while (true) {
    std::string problem;
    if (auto parsed = reader.next(problem)) {
      reply = std::move(*parsed);
      return {};
    }
    if (!problem.empty()) {
      stream_.close();
      return {NetError::Kind::Other, "bad reply from redis: " + problem};
    }
    buffer.clear();
    if (auto error = stream_.read_some(buffer)) return error;
    reader.feed(buffer);
  }
}

}  // namespace larder::storage
