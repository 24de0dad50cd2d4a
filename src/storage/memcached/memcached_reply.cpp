#include "storage/memcached/memcached_reply.hpp"

#include <charconv>
#include <vector>

#include "util/strings.hpp"

namespace larder::storage {

namespace {

using Status = MemcachedReply::Status;

MemcachedReply incomplete(size_t wanted) {
  MemcachedReply reply;
  reply.wanted = wanted;
  return reply;
}

MemcachedReply malformed(std::string what) {
  MemcachedReply reply;
  reply.status = Status::Malformed;
  reply.line = std::move(what);
  return reply;
}

// The line starting at `at`, without its "\r\n"; nullopt while it is not complete.
std::optional<std::string_view> line_at(std::string_view buffer, size_t at) {
  const size_t end = buffer.find("\r\n", at);
  if (end == std::string_view::npos) return std::nullopt;
  return buffer.substr(at, end - at);
}

// The result when no complete line starts at `at`: more bytes, unless the line is already too long.
MemcachedReply no_line(std::string_view buffer, size_t at) {
  if (buffer.size() - at > kMaxMemcachedLine)
    return malformed("reply line longer than " + std::to_string(kMaxMemcachedLine) + " bytes");
  return incomplete(buffer.size() + 1);
}

template <typename Number>
std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

struct ValueHeader {
  uint32_t flags = 0;
  size_t bytes = 0;
};

// "VALUE KEY FLAGS BYTES [CAS]".
std::optional<ValueHeader> parse_value_header(std::string_view line) {
  const std::vector<std::string> fields = split(line, ' ');
  if (fields.size() < 4 || fields.size() > 5 || fields[0] != "VALUE") return std::nullopt;
  const auto flags = parse_number<uint32_t>(fields[2]);
  const auto bytes = parse_number<uint64_t>(fields[3]);
  if (!flags || !bytes || *bytes > kMaxMemcachedValue) return std::nullopt;
  return ValueHeader{*flags, static_cast<size_t>(*bytes)};
}

MemcachedReply complete(MemcachedReply reply, size_t consumed) {
  reply.status = Status::Complete;
  reply.consumed = consumed;
  return reply;
}

}  // namespace

bool is_memcached_error(std::string_view line) {
  return line == "ERROR" || line.starts_with("CLIENT_ERROR") || line.starts_with("SERVER_ERROR");
}

MemcachedReply parse_get_reply(std::string_view buffer) {
  MemcachedReply reply;
  size_t at = 0;
  while (true) {
    const auto line = line_at(buffer, at);
    if (!line) return no_line(buffer, at);
    const size_t next = at + line->size() + 2;
    if (*line == "END") return complete(std::move(reply), next);
    if (!line->starts_with("VALUE ")) {
      if (!is_memcached_error(*line)) return malformed("unexpected reply to get: " + std::string(line->substr(0, 200)));
      reply.item.reset();
      reply.line = std::string(*line);
      return complete(std::move(reply), next);
    }
    const auto header = parse_value_header(*line);
    if (!header) return malformed("bad VALUE line: " + std::string(line->substr(0, 200)));
    if (buffer.size() - next < header->bytes + 2) return incomplete(next + header->bytes + 2);
    if (buffer.substr(next + header->bytes, 2) != "\r\n") return malformed("value longer than its VALUE line says");
    reply.item = MemcachedItem{header->flags, std::string(buffer.substr(next, header->bytes))};
    at = next + header->bytes + 2;
  }
}

MemcachedReply parse_stats_reply(std::string_view buffer) {
  MemcachedReply reply;
  size_t at = 0;
  while (true) {
    const auto line = line_at(buffer, at);
    if (!line) return no_line(buffer, at);
    const size_t next = at + line->size() + 2;
    if (*line == "END") return complete(std::move(reply), next);
    if (is_memcached_error(*line)) {
      reply.stats.clear();
      reply.line = std::string(*line);
      return complete(std::move(reply), next);
    }
    if (!line->starts_with("STAT "))
      return malformed("unexpected reply to stats: " + std::string(line->substr(0, 200)));
    const size_t space = line->find(' ', 5);
    if (space != std::string_view::npos)
      reply.stats[std::string(line->substr(5, space - 5))] = std::string(line->substr(space + 1));
    at = next;
  }
}

MemcachedReply parse_line_reply(std::string_view buffer) {
  const auto line = line_at(buffer, 0);
  if (!line) return no_line(buffer, 0);
  MemcachedReply reply;
  reply.line = std::string(*line);
  return complete(std::move(reply), line->size() + 2);
}

}  // namespace larder::storage
