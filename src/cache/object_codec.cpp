#include "cache/object_codec.hpp"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader: zstd is linked statically
#include <zstd.h>

#include <stdexcept>

#include "util/binary_io.hpp"

namespace larder::cache {

namespace {
constexpr std::string_view kMagic = "LRDR";
// Level -1 without long-distance matching. The long window found the .rmeta an rlib holds;
// an entry now stores those bytes once (cache/entry.hpp), and on bench/workload-a's rlibs it
// found 1% more for 25% more time. Level 1 would make entries 10% smaller but decompress 25%
// slower, and hits are what a cache is for.
constexpr int kCompressionLevel = -1;

// The most bytes a zstd frame of `frame` can decompress to, from its header alone (RFC 8878,
// 3.1.1.2): after the frame header and the 4-byte checksum come blocks, each with a 3-byte
// header and at least 1 byte of content (an RLE block, the densest kind: one byte repeated),
// each producing at most the frame's block size (min(window, 128 KiB)). So a frame of n bytes
// holds at most (n - header - 4) / 4 blocks: a 35-byte object can not hold more than 128 KiB,
// and a payload of 1 GiB needs a frame of at least 32 KiB.
uint64_t most_frame_can_hold(const ZSTD_frameHeader& frame, size_t frame_size) {
  constexpr size_t kChecksumSize = 4;
  constexpr size_t kSmallestBlock = 3 + 1;
  if (frame_size < frame.headerSize + kChecksumSize) return 0;
  const uint64_t blocks = (frame_size - frame.headerSize - kChecksumSize) / kSmallestBlock;
  return blocks * frame.blockSizeMax;
}

struct CompressionContext {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ~CompressionContext() { ZSTD_freeCCtx(context); }
};
}  // namespace

std::string encode_object(ObjectType type, std::string_view payload) {
  if (payload.size() > kMaxPayload) throw std::runtime_error("object larger than the cache accepts");
  BinaryWriter writer;
  writer.raw(kMagic);
  writer.u8(static_cast<uint8_t>(type));
  writer.u8(kFormatVersion);
  writer.u64(payload.size());
  // One pass over the payload in place (no copy into zstd's window), into room that is not
  // cleared first: only the part the frame fills is ever touched.
  const size_t bound = ZSTD_compressBound(payload.size());
  ByteBuffer frame(bound, ByteBuffer::Faulting::OnTouch);
  CompressionContext zstd;
  if (zstd.context == nullptr) throw std::runtime_error("cannot create a zstd context");
  ZSTD_CCtx_setParameter(zstd.context, ZSTD_c_compressionLevel, kCompressionLevel);
  ZSTD_CCtx_setParameter(zstd.context, ZSTD_c_checksumFlag, 1);
  const size_t compressed = ZSTD_compress2(zstd.context, frame.data(), bound, payload.data(), payload.size());
  if (ZSTD_isError(compressed)) throw std::runtime_error(ZSTD_getErrorName(compressed));
  std::string& out = writer.buffer();
  out.append(frame.data(), compressed);
  return std::move(out);
}

ByteBuffer decode_object(ObjectType type, std::string_view blob) {
  BinaryReader reader(blob);
  if (reader.take(kMagic.size()) != kMagic) throw CorruptData("bad magic");
  if (reader.u8() != static_cast<uint8_t>(type)) throw CorruptData("wrong object type");
  const uint8_t version = reader.u8();
  if (version != kFormatVersion) throw CorruptData("unsupported format version " + std::to_string(version));
  const uint64_t size = reader.u64();
  if (size > kMaxPayload) throw CorruptData("payload size out of range");
  const std::string_view compressed = reader.take(reader.remaining());
  // A zstd block takes at least 4 bytes (an RLE block) and yields at most ZSTD_BLOCKSIZE_MAX:
  // a larger declared size cannot be true, and is refused before its room is allocated.
  if (size > (compressed.size() / 4 + 1) * uint64_t{ZSTD_BLOCKSIZE_MAX})
    throw CorruptData("payload size larger than its frame can hold");
  // A frame without a checksum (e.g. a flipped flag bit) would decompress unverified.
  ZSTD_frameHeader frame{};
  if (ZSTD_getFrameHeader(&frame, compressed.data(), compressed.size()) != 0 || frame.frameType != ZSTD_frame ||
      frame.frameContentSize != size || frame.checksumFlag == 0) {
    throw CorruptData("compressed frame does not match the header");
  }
  // Checked before the payload is allocated: a small object declaring gigabytes is damage
  // (or a decompression bomb) and must cost nothing.
  if (size > most_frame_can_hold(frame, compressed.size()))
    throw CorruptData("payload size exceeds what its frame can hold");
  ByteBuffer payload(static_cast<size_t>(size));
  const size_t produced = ZSTD_decompress(payload.data(), size, compressed.data(), compressed.size());
  if (ZSTD_isError(produced)) throw CorruptData(std::string("damaged payload: ") + ZSTD_getErrorName(produced));
  if (produced != size) throw CorruptData("payload shorter than its header says");
  return payload;
}

}  // namespace larder::cache
