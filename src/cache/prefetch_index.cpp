#include "cache/prefetch_index.hpp"

#include <algorithm>

#include "cache/object_checks.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {
constexpr size_t kMaxNameLength = 80;  // 64 hex digits and ".manifest"
}

// The format version is part of the name: an index lists objects of its format, which another
// version of larder neither reads nor could use.
std::string index_object_name(std::string_view index_name) {
  return sha256_hex("format " + std::to_string(kFormatVersion) + ": " + std::string(index_name)) + ".index";
}

std::string serialize_index(const std::vector<std::string>& object_names) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(object_names.size()));
  for (const auto& name : object_names) w.bytes(name);
  return encode_object(ObjectType::Index, w.buffer());
}

std::vector<std::string> deserialize_index(std::string_view blob) {
  const ByteBuffer payload = decode_object(ObjectType::Index, blob);
  BinaryReader r(payload.view());
  const uint32_t count = r.count(kMaxIndexObjects);
  std::vector<std::string> names;
  names.reserve(std::min<size_t>(count, r.remaining() / 8));  // each name takes 8 bytes or more
  for (uint32_t i = 0; i < count; ++i) {
    std::string name = r.bytes(kMaxNameLength);
    if (!is_object_name(name)) throw CorruptData("an index names something that is not a cache object");
    names.push_back(std::move(name));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes after the index");
  return names;
}

}  // namespace larder::cache
