#include "storage/memcached/chunk_head.hpp"

#include <charconv>
#include <cstdint>
#include <vector>

#include "storage/memcached/memcached_reply.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

std::optional<uint64_t> parse_count(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::string format_chunk_head(const ChunkHead& head) {
  return head.write_id + " " + std::to_string(head.chunks) + " " + std::to_string(head.total);
}

std::optional<ChunkHead> parse_chunk_head(std::string_view text) {
  const std::vector<std::string> fields = split(text, ' ');
  if (fields.size() != 3) return std::nullopt;
  const std::string& id = fields[0];
  if (id.size() != 16 || id.find_first_not_of("0123456789abcdef") != std::string::npos) return std::nullopt;
  const auto chunks = parse_count(fields[1]);
  const auto total = parse_count(fields[2]);
  if (!chunks || !total || *chunks == 0 || *chunks > kMaxChunks || *total > *chunks * kMaxMemcachedValue) {
    return std::nullopt;
  }
  return ChunkHead{id, static_cast<size_t>(*chunks), static_cast<size_t>(*total)};
}

}  // namespace larder::storage
