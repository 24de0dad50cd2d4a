#include "cache/entry.hpp"

#include <sys/stat.h>

#include <cstring>

#include "util/binary_io.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {
constexpr uint32_t kMaxOutputs = 64;
constexpr size_t kHashSize = 64;

// Restores memoize this hash for the written file: it must look like one.
bool is_sha256_hex(std::string_view text) {
  return text.size() == kHashSize && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// Everything but the outputs' bytes, which follow it back to back.
std::string encode_head(const Entry& entry) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(entry.exit_code));
  w.u64(static_cast<uint64_t>(entry.compile_seconds * 1e6));
  w.bytes(entry.stdout_data);
  w.bytes(entry.stderr_data);
  w.u32(static_cast<uint32_t>(entry.base_dirs.size()));
  for (const auto& [marker, path] : entry.base_dirs) {
    w.bytes(marker);
    w.bytes(path);
  }
  w.u32(static_cast<uint32_t>(entry.outputs.size()));
  for (const auto& output : entry.outputs) {
    w.bytes(output.role);
    w.u32(output.mode);
    w.u64(output.data.size());
    w.bytes(output.hash);
  }
  return std::move(w.buffer());
}

// Whether the payload already holds this head with the outputs back to back after it.
bool laid_out_in_payload(const Entry& entry, std::string_view head) {
  const std::string_view payload = entry.payload.view();
  if (!payload.starts_with(head)) return false;
  size_t at = head.size();
  for (const auto& output : entry.outputs) {
    if (at + output.data.size() > payload.size() || output.data.data() != payload.data() + at) return false;
    at += output.data.size();
  }
  return at == payload.size();
}

}  // namespace

std::optional<std::filesystem::path> load_outputs(Entry& entry, const std::vector<OutputFile>& files) {
  std::vector<size_t> sizes;
  size_t total = 0;
  const size_t first = entry.outputs.size();
  for (const auto& file : files) {
    const auto stamp = lstat_file(file.path);
    if (!stamp || !S_ISREG(stamp->mode)) return file.path;
    sizes.push_back(static_cast<size_t>(stamp->size));
    total += sizes.back();
    // Sizes and hashes are fixed-width fields: a head with stand-in hashes has the final size.
    entry.outputs.push_back({file.role, static_cast<uint32_t>(stamp->mode & 07777), std::string_view(), std::string(kHashSize, '0')});
  }
  const size_t head_size = encode_head(entry).size();
  entry.payload = ByteBuffer(head_size + total);
  char* at = entry.payload.data() + head_size;
  for (size_t i = 0; i < files.size(); ++i) {
    StoredOutput& output = entry.outputs[first + i];
    if (!read_file_exactly(files[i].path, at, sizes[i])) return files[i].path;
    output.data = std::string_view(at, sizes[i]);
    output.hash = sha256_hex(output.data);
    at += sizes[i];
  }
  const std::string head = encode_head(entry);
  std::memcpy(entry.payload.data(), head.data(), head.size());
  return std::nullopt;
}

std::string serialize_entry(const Entry& entry) {
  const std::string head = encode_head(entry);
  if (laid_out_in_payload(entry, head)) return encode_object(ObjectType::Entry, entry.payload.view());
  size_t total = head.size();
  for (const auto& output : entry.outputs) total += output.data.size();
  ByteBuffer payload(total);
  char* at = payload.data();
  std::memcpy(at, head.data(), head.size());
  at += head.size();
  for (const auto& output : entry.outputs) {
    std::memcpy(at, output.data.data(), output.data.size());
    at += output.data.size();
  }
  return encode_object(ObjectType::Entry, payload.view());
}

Entry deserialize_entry(std::string_view blob) {
  Entry entry;
  entry.payload = decode_object(ObjectType::Entry, blob);
  BinaryReader r(entry.payload.view());
  entry.exit_code = static_cast<int>(r.u32());
  entry.compile_seconds = static_cast<double>(r.u64()) / 1e6;
  entry.stdout_data = r.bytes();
  entry.stderr_data = r.bytes();
  const uint32_t dirs = r.u32();
  if (dirs > kMaxOutputs) throw CorruptData("too many base folders");
  for (uint32_t i = 0; i < dirs; ++i) {
    std::string marker = r.bytes();
    std::string path = r.bytes();
    entry.base_dirs.emplace_back(std::move(marker), std::move(path));
  }
  const uint32_t count = r.u32();
  if (count > kMaxOutputs) throw CorruptData("too many outputs");
  std::vector<uint64_t> sizes;
  for (uint32_t i = 0; i < count; ++i) {
    StoredOutput output;
    output.role = r.bytes();
    output.mode = r.u32() & 07777;
    sizes.push_back(r.u64());
    output.hash = r.bytes();
    if (!is_sha256_hex(output.hash)) throw CorruptData("output hash is not a SHA-256");
    entry.outputs.push_back(std::move(output));
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (sizes[i] > r.remaining()) throw CorruptData("output size exceeds data");
    entry.outputs[i].data = r.take(static_cast<size_t>(sizes[i]));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes");
  return entry;
}

}  // namespace larder::cache
