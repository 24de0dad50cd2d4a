#include "cache/object_codec.hpp"

#include <zstd.h>

#include "util/binary_io.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {
constexpr std::string_view kMagic = "LRDR";
constexpr uint64_t kMaxPayload = 16ULL << 30;  // refuse absurd sizes before allocating
constexpr int kCompressionLevel = 1;           // fast: compression runs on every miss
}  // namespace

std::string encode_object(ObjectType type, std::string_view payload) {
  BinaryWriter writer;
  writer.raw(kMagic);
  writer.u8(static_cast<uint8_t>(type));
  writer.u8(kFormatVersion);
  writer.u64(payload.size());
  writer.raw(sha256_hex(payload));
  std::string& out = writer.buffer();
  const size_t header = out.size();
  const size_t bound = ZSTD_compressBound(payload.size());
  out.resize(header + bound);
  const size_t compressed =
      ZSTD_compress(out.data() + header, bound, payload.data(), payload.size(), kCompressionLevel);
  if (ZSTD_isError(compressed)) throw std::runtime_error(ZSTD_getErrorName(compressed));
  out.resize(header + compressed);
  return std::move(out);
}

std::string decode_object(ObjectType type, std::string_view blob) {
  BinaryReader reader(blob);
  if (reader.take(kMagic.size()) != kMagic) throw CorruptData("bad magic");
  if (reader.u8() != static_cast<uint8_t>(type)) throw CorruptData("wrong object type");
  const uint8_t version = reader.u8();
  if (version != kFormatVersion) throw CorruptData("unsupported format version " + std::to_string(version));
  const uint64_t size = reader.u64();
  if (size > kMaxPayload) throw CorruptData("payload size out of range");
  const std::string checksum(reader.take(64));
  const std::string_view compressed = reader.take(reader.remaining());
  const unsigned long long frame_size = ZSTD_getFrameContentSize(compressed.data(), compressed.size());
  if (frame_size == ZSTD_CONTENTSIZE_ERROR || frame_size == ZSTD_CONTENTSIZE_UNKNOWN || frame_size != size) {
    throw CorruptData("compressed frame does not match the header");
  }
  std::string payload(static_cast<size_t>(size), '\0');
  const size_t produced = ZSTD_decompress(payload.data(), payload.size(), compressed.data(), compressed.size());
  if (ZSTD_isError(produced) || produced != size) throw CorruptData("decompression failed");
  if (sha256_hex(payload) != checksum) throw CorruptData("checksum mismatch");
  return payload;
}

}  // namespace larder::cache
