#pragma once
// One connection to a Redis server speaking RESP through hiredis's protocol reader and command
// formatter. The transport is larder's SocketStream because Debian's hiredis (0.14) has no TLS:
// that way redis:// and rediss:// share one code path.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/redis/redis_reply.hpp"
#include "storage/remote/remote_url.hpp"
#include "storage/remote/socket_stream.hpp"

namespace larder::storage {

struct RedisEndpoint {
  HostPort address;
  std::optional<std::string> user;
  std::optional<std::string> password;
  int database = 0;
  NetTimeouts timeouts;
  TlsOptions tls;
};

class RedisConnection {
 public:
  explicit RedisConnection(RedisEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

  bool connected() const { return stream_.connected(); }
  // Connects, authenticates and selects the database; an auth failure is explained.
  NetError open();
  // Sends one command and reads its reply. A Redis error reply is a reply, not a NetError.
  NetError command(const std::vector<std::string_view>& args, RedisReply& reply);

 private:
  SocketStream stream_;
  RedisEndpoint endpoint_;
};

// Explains a Redis error reply for logs and `larder doctor`.
std::string explain_redis_error(const std::string& error);

}  // namespace larder::storage
