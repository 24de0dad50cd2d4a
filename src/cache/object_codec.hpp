#pragma once
// The container every cache object (entry or manifest) is stored in:
//   magic "LRDR" · object type · format version · payload size · zstd frame of the payload.
// The zstd frame carries its own content checksum (XXH64), verified while decompressing: a
// hit pays no second pass over the payload. A blob that fails any check is corrupt: a miss
// and a read error, never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "util/byte_buffer.hpp"

namespace larder::cache {

enum class ObjectType : char { Entry = 'E', Manifest = 'M' };

// 2: zstd frame checksum instead of a SHA-256 of the payload in the header.
// 3: an entry's outputs back to back after everything else (cache/entry.hpp).
// 4: an output held verbatim inside another (an rlib holds its .rmeta) is stored once.
inline constexpr uint8_t kFormatVersion = 4;

std::string encode_object(ObjectType type, std::string_view payload);
// Throws CorruptData with a reason on any mismatch.
ByteBuffer decode_object(ObjectType type, std::string_view blob);

}  // namespace larder::cache
