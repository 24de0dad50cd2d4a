#pragma once
// The value of the head item of an object stored in chunks: "<write-id> <chunks> <total bytes>".
// It is read back from the server, so it is untrusted: parse_chunk_head checks every field
// (fuzz/memcached_reply.cpp feeds it arbitrary bytes).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace larder::storage {

struct ChunkHead {
  std::string write_id;  // 16 lower-case hex digits, part of each chunk's key
  size_t chunks = 0;     // 1 … kMaxChunks
  size_t total = 0;      // bytes of the object, at most chunks × kMaxMemcachedValue
};

inline constexpr size_t kMaxChunks = 100000;

std::string format_chunk_head(const ChunkHead& head);
std::optional<ChunkHead> parse_chunk_head(std::string_view text);

}  // namespace larder::storage
