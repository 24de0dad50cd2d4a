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

// An index lists the objects a build used, for `larder cache prefetch` (cache/prefetch_index.hpp).
enum class ObjectType : char { Entry = 'E', Manifest = 'M', Index = 'I' };

// 2: zstd frame checksum instead of a SHA-256 of the payload in the header.
// 3: an entry's outputs back to back after everything else (cache/entry.hpp).
// 4: an output held verbatim inside another (an rlib holds its .rmeta) is stored once.
// 5: entries named by the SHA-256 of their bytes, which manifest results record; decoders
//    refuse values larder never stores (exit status, modes, malformed base folders).
// 6: a remote's manifest may carry its newest result's entry (cache/manifest_bundle.hpp);
//    indexes are named per format.
inline constexpr uint8_t kFormatVersion = 6;

// The largest payload written or read (a hard cap on what one decode may allocate); the
// frame's own size bounds it further (cache/object_codec.cpp).
inline constexpr uint64_t kMaxPayload = 4ULL << 30;
// Bounds shared by the formats inside: a SHA-256 in hex, and a path (PATH_MAX).
inline constexpr size_t kHashSize = 64;
inline constexpr size_t kMaxPath = 4096;

std::string encode_object(ObjectType type, std::string_view payload);
// Throws CorruptData with a reason on any mismatch, before allocating anything when the
// declared payload size is out of bounds.
ByteBuffer decode_object(ObjectType type, std::string_view blob);

}  // namespace larder::cache
