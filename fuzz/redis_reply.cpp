// What a Redis server answers (storage/redis/redis_reply.hpp), fed to the reader the way the
// connection feeds it: in pieces (the first byte sets the piece size).
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "storage/redis/redis_reply.hpp"

using namespace larder;

namespace {

size_t count(const storage::RedisReply& reply, int depth) {
  FUZZ_CHECK(depth < 16);
  FUZZ_CHECK(reply.elements.size() <= static_cast<size_t>(storage::kMaxRedisArray));
  size_t total = 1;
  for (const auto& element : reply.elements) total += count(element, depth + 1);
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t piece = 1 + data[0] % 64;
  const std::string_view bytes = fuzz::as_text(data + 1, size - 1);
  storage::RedisReplyReader reader;
  std::string error;
  for (size_t at = 0; at < bytes.size() && error.empty(); at += piece) {
    reader.feed(bytes.substr(at, piece));
    while (auto reply = reader.next(error)) (void)count(*reply, 0);
  }
  return 0;
}
