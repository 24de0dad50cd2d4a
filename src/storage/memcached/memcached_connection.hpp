#pragma once
// One connection to one memcached server speaking the text protocol (get/set/delete/version/
// stats): small enough to own, and it keeps larder free of libmemcached, which Debian ships
// without a static archive.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/memcached/memcached_reply.hpp"
#include "storage/remote/remote_url.hpp"
#include "storage/remote/socket_stream.hpp"

namespace larder::storage {

class MemcachedConnection {
 public:
  MemcachedConnection(HostPort server, NetTimeouts timeouts) : server_(std::move(server)), timeouts_(timeouts) {}

  const HostPort& server() const { return server_; }
  bool connected() const { return stream_.connected(); }
  NetError open() { return stream_.connect(server_, timeouts_, TlsOptions{}); }

  // Each call returns a transport fault as NetError; a protocol answer other than success is
  // put in `refusal` (e.g. "SERVER_ERROR out of memory storing object").
  NetError get(const std::string& key, std::optional<MemcachedItem>& item, std::string& refusal);
  NetError set(const std::string& key, uint32_t flags, uint32_t exptime, std::string_view data, std::string& refusal);
  NetError remove(const std::string& key, std::string& refusal);
  NetError version(std::string& version);
  // "stats" or "stats settings": name -> value.
  NetError stats(const std::string& group, std::map<std::string, std::string>& values);

 private:
  // Reads until `parse` finds a complete reply; a malformed one closes the connection.
  NetError read_reply(MemcachedReply (*parse)(std::string_view), MemcachedReply& reply);

  HostPort server_;
  NetTimeouts timeouts_;
  SocketStream stream_;
  std::string buffer_;  // bytes received and not consumed yet
};

// Explains a memcached refusal line for logs and `larder doctor`.
std::string explain_memcached_refusal(const std::string& line);

}  // namespace larder::storage
