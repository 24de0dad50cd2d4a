#include "cache/entry.hpp"

#include "util/binary_io.hpp"

namespace larder::cache {

namespace {
constexpr uint32_t kMaxOutputs = 64;

// Restores memoize this hash for the written file: it must look like one.
bool is_sha256_hex(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}
}

std::string serialize_entry(const Entry& entry) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(entry.exit_code));
  w.u64(static_cast<uint64_t>(entry.compile_seconds * 1e6));
  w.bytes(entry.stdout_data);
  w.bytes(entry.stderr_data);
  w.u32(static_cast<uint32_t>(entry.outputs.size()));
  for (const auto& output : entry.outputs) {
    w.bytes(output.role);
    w.u32(output.mode);
    w.bytes(output.data);
    w.bytes(output.hash);
  }
  w.u32(static_cast<uint32_t>(entry.base_dirs.size()));
  for (const auto& [marker, path] : entry.base_dirs) {
    w.bytes(marker);
    w.bytes(path);
  }
  return encode_object(ObjectType::Entry, w.buffer());
}

Entry deserialize_entry(std::string_view blob) {
  Entry entry;
  entry.payload = decode_object(ObjectType::Entry, blob);
  BinaryReader r(entry.payload.view());
  entry.exit_code = static_cast<int>(r.u32());
  entry.compile_seconds = static_cast<double>(r.u64()) / 1e6;
  entry.stdout_data = r.bytes();
  entry.stderr_data = r.bytes();
  const uint32_t count = r.u32();
  if (count > kMaxOutputs) throw CorruptData("too many outputs");
  for (uint32_t i = 0; i < count; ++i) {
    StoredOutput output;
    output.role = r.bytes();
    output.mode = r.u32() & 07777;
    output.data = r.bytes_view();
    output.hash = r.bytes();
    if (!is_sha256_hex(output.hash)) throw CorruptData("output hash is not a SHA-256");
    entry.outputs.push_back(std::move(output));
  }
  const uint32_t dirs = r.u32();
  if (dirs > kMaxOutputs) throw CorruptData("too many base folders");
  for (uint32_t i = 0; i < dirs; ++i) {
    std::string marker = r.bytes();
    std::string path = r.bytes();
    entry.base_dirs.emplace_back(std::move(marker), std::move(path));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes");
  return entry;
}

}  // namespace larder::cache
