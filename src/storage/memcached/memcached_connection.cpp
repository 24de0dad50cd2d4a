#include "storage/memcached/memcached_connection.hpp"

namespace larder::storage {

std::string explain_memcached_refusal(const std::string& line) {
  if (line.find("out of memory") != std::string::npos) {
    return "memcached is out of memory and cannot evict for this item size (give it more -m memory)";
  }
  if (line.find("too large") != std::string::npos) {
    return "item larger than the server's item size limit (-I): lower ?chunk_size= below it";
  }
  if (line.rfind("CLIENT_ERROR", 0) == 0) return "memcached rejected the request: " + line;
  return "memcached: " + line;
}

NetError MemcachedConnection::read_reply(MemcachedReply (*parse)(std::string_view), MemcachedReply& reply) {
  while (true) {
    reply = parse(buffer_);
    if (reply.status == MemcachedReply::Status::Complete) {
      buffer_.erase(0, reply.consumed);
      return {};
    }
    if (reply.status == MemcachedReply::Status::Malformed) {
      stream_.close();
      return {NetError::Kind::Other, "unexpected memcached answer: " + reply.line};
    }
    while (buffer_.size() < reply.wanted) {
      if (auto error = stream_.read_some(buffer_)) return error;
    }
  }
}

NetError MemcachedConnection::get(const std::string& key, std::optional<MemcachedItem>& item, std::string& refusal) {
  item.reset();
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all("get " + key + "\r\n")) return error;
  MemcachedReply reply;
  if (auto error = read_reply(parse_get_reply, reply)) return error;
  if (!reply.line.empty()) {
    refusal = reply.line;  // SERVER_ERROR / CLIENT_ERROR / ERROR
    stream_.close();       // the stream may hold anything now
    return {};
  }
  item = std::move(reply.item);
  return {};
}

NetError MemcachedConnection::set(const std::string& key, uint32_t flags, uint32_t exptime, std::string_view data,
                                  std::string& refusal) {
  buffer_.clear();
  stream_.begin_exchange();
  std::string request = "set " + key + " " + std::to_string(flags) + " " + std::to_string(exptime) + " " +
                        std::to_string(data.size()) + "\r\n";
  request.reserve(request.size() + data.size() + 2);
  request.append(data);
  request.append("\r\n");
  if (auto error = stream_.write_all(request)) return error;
  MemcachedReply reply;
  if (auto error = read_reply(parse_line_reply, reply)) return error;
  if (reply.line != "STORED") {
    refusal = reply.line;
    // After "SERVER_ERROR object too large" memcached swallows the data and stays in sync, but
    // a fresh connection is the safe state after any refusal.
    stream_.close();
  }
  return {};
}

NetError MemcachedConnection::remove(const std::string& key, std::string& refusal) {
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all("delete " + key + "\r\n")) return error;
  MemcachedReply reply;
  if (auto error = read_reply(parse_line_reply, reply)) return error;
  if (reply.line != "DELETED" && reply.line != "NOT_FOUND") refusal = reply.line;
  return {};
}

NetError MemcachedConnection::version(std::string& version) {
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all("version\r\n")) return error;
  MemcachedReply reply;
  if (auto error = read_reply(parse_line_reply, reply)) return error;
  version = reply.line.starts_with("VERSION ") ? reply.line.substr(8) : reply.line;
  return {};
}

NetError MemcachedConnection::stats(const std::string& group, std::map<std::string, std::string>& values) {
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all(group + "\r\n")) return error;
  MemcachedReply reply;
  if (auto error = read_reply(parse_stats_reply, reply)) return error;
  if (!reply.line.empty()) {
    stream_.close();
    return {NetError::Kind::Other, "memcached refused '" + group + "': " + reply.line};
  }
  for (auto& [name, value] : reply.stats) values[name] = std::move(value);
  return {};
}

}  // namespace larder::storage
