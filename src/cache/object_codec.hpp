#pragma once
// The container every cache object (entry or manifest) is stored in:
//   magic "LRDR" · object type · format version · payload size · SHA-256 of the payload ·
//   zstd-compressed payload.
// A blob that fails any check is corrupt: a miss and a read error, never a crash.
#include <string>
#include <string_view>

namespace larder::cache {

enum class ObjectType : char { Entry = 'E', Manifest = 'M' };

inline constexpr uint8_t kFormatVersion = 1;

std::string encode_object(ObjectType type, std::string_view payload);
// Throws CorruptData with a reason on any mismatch.
std::string decode_object(ObjectType type, std::string_view blob);

}  // namespace larder::cache
