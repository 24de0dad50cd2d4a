#include "storage/memcached/memcached_connection.hpp"

#include <charconv>
#include <sstream>

namespace larder::storage {

namespace {

NetError protocol_error(MemcachedConnection&, const std::string& what) {
  return {NetError::Kind::Other, "unexpected memcached answer: " + what};
}

}  // namespace

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

NetError MemcachedConnection::read_line(std::string& line) {
  while (true) {
    const size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return {};
    }
    if (auto error = stream_.read_some(buffer_)) return error;
  }
}

NetError MemcachedConnection::read_bytes(size_t count, std::string& out) {
  while (buffer_.size() < count + 2) {
    if (auto error = stream_.read_some(buffer_)) return error;
  }
  out = buffer_.substr(0, count);
  buffer_.erase(0, count + 2);  // the data's trailing \r\n
  return {};
}

NetError MemcachedConnection::get(const std::string& key, std::optional<MemcachedItem>& item, std::string& refusal) {
  item.reset();
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all("get " + key + "\r\n")) return error;
  while (true) {
    std::string line;
    if (auto error = read_line(line)) return error;
    if (line == "END") return {};
    if (line.rfind("VALUE ", 0) == 0) {
      std::istringstream fields(line.substr(6));
      std::string name;
      uint32_t flags = 0;
      size_t bytes = 0;
      if (!(fields >> name >> flags >> bytes)) {
        stream_.close();
        return protocol_error(*this, line);
      }
      MemcachedItem value;
      value.flags = flags;
      if (auto error = read_bytes(bytes, value.data)) return error;
      item = std::move(value);
      continue;
    }
    refusal = line;  // SERVER_ERROR / CLIENT_ERROR / ERROR
    stream_.close();  // the stream may hold anything now
    return {};
  }
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
  std::string line;
  if (auto error = read_line(line)) return error;
  if (line != "STORED") {
    refusal = line;
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
  std::string line;
  if (auto error = read_line(line)) return error;
  if (line != "DELETED" && line != "NOT_FOUND") refusal = line;
  return {};
}

NetError MemcachedConnection::version(std::string& version) {
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all("version\r\n")) return error;
  std::string line;
  if (auto error = read_line(line)) return error;
  version = line.rfind("VERSION ", 0) == 0 ? line.substr(8) : line;
  return {};
}

NetError MemcachedConnection::stats(const std::string& group, std::map<std::string, std::string>& values) {
  buffer_.clear();
  stream_.begin_exchange();
  if (auto error = stream_.write_all(group + "\r\n")) return error;
  while (true) {
    std::string line;
    if (auto error = read_line(line)) return error;
    if (line == "END") return {};
    if (line.rfind("STAT ", 0) != 0) {
      stream_.close();
      return protocol_error(*this, line);
    }
    const size_t space = line.find(' ', 5);
    if (space != std::string::npos) values[line.substr(5, space - 5)] = line.substr(space + 1);
  }
}

}  // namespace larder::storage
