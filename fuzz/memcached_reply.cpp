// What a memcached server answers (storage/memcached/memcached_reply.hpp) and the head item of
// a chunked object (storage/memcached/chunk_head.hpp). MemcachedConnection reads until a
// parser's `wanted` is buffered and parses again: that loop must always make progress.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.hpp"
#include "storage/memcached/chunk_head.hpp"
#include "storage/memcached/memcached_reply.hpp"

using namespace larder;
using storage::MemcachedReply;

namespace {

void check(const MemcachedReply& reply, std::string_view buffer) {
  switch (reply.status) {
    case MemcachedReply::Status::Incomplete:
      FUZZ_CHECK(reply.wanted > buffer.size());
      FUZZ_CHECK(reply.wanted <= buffer.size() + storage::kMaxMemcachedValue + storage::kMaxMemcachedLine + 2);
      break;
    case MemcachedReply::Status::Complete:
      FUZZ_CHECK(reply.consumed > 0 && reply.consumed <= buffer.size());
      if (reply.item) FUZZ_CHECK(reply.item->data.size() < reply.consumed);
      break;
    case MemcachedReply::Status::Malformed:
      FUZZ_CHECK(!reply.line.empty());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view buffer = fuzz::as_text(data, size);
  check(storage::parse_get_reply(buffer), buffer);
  check(storage::parse_stats_reply(buffer), buffer);
  check(storage::parse_line_reply(buffer), buffer);
  if (auto head = storage::parse_chunk_head(buffer)) {
    FUZZ_CHECK(head->chunks >= 1 && head->chunks <= storage::kMaxChunks);
    FUZZ_CHECK(storage::parse_chunk_head(storage::format_chunk_head(*head)).has_value());
  }
  return 0;
}
