#include "cache/entry.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "util/ar_archive.hpp"
#include "util/binary_io.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {
// Bounds on what an entry may hold: far above what rustc makes, checked before anything is
// kept, since an entry comes from shared storage.
constexpr uint32_t kMaxOutputs = 64;
constexpr uint32_t kMaxBaseDirs = 64;
constexpr size_t kMaxRole = 32;
constexpr size_t kMaxMarker = 64;
constexpr uint64_t kMaxCompileMicros = 7ULL * 86400 * 1000000;  // a week: saved time is summed into stats

// A role names an output kind ("rlib", "dep-info"…): restore only ever writes one the call
// itself expects, so here it only has to be a short word.
bool is_role(std::string_view role) {
  return !role.empty() && role.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string_view::npos;
}

}  // namespace

bool is_base_marker(std::string_view marker) {
  return marker.size() >= 3 && marker.front() == '{' && marker.back() == '}' &&
         marker.substr(1, marker.size() - 2).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") ==
             std::string_view::npos;
}

bool is_base_path(std::string_view path) {
  // Non-empty (an empty one matches everywhere: relocating with it never ends), absolute, no
  // trailing slash but for "/" itself, no NUL, no empty, "." or ".." component: the form base
  // folders are recorded in (util/path_map.hpp).
  if (path.empty() || path.front() != '/' || path.find('\0') != std::string_view::npos) return false;
  if (path == "/") return true;
  if (path.back() == '/') return false;
  const std::string padded = std::string(path) + "/";
  return padded.find("//") == std::string::npos && padded.find("/./") == std::string::npos &&
         padded.find("/../") == std::string::npos;
}

uint32_t allowed_mode(uint32_t mode) { return mode & kAllowedOutputMode; }

namespace {

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
    w.u32(output.inside ? *output.inside + 1 : 0);  // 0: its bytes follow the head
    w.u64(output.offset);
  }
  return std::move(w.buffer());
}

// Whether the payload already holds this head with the outputs back to back after it.
bool laid_out_in_payload(const Entry& entry, std::string_view head) {
  const std::string_view payload = entry.payload.view();
  if (!payload.starts_with(head)) return false;
  size_t at = head.size();
  for (const auto& output : entry.outputs) {
    if (output.inside) continue;
    if (at + output.data.size() > payload.size() || output.data.data() != payload.data() + at) return false;
    at += output.data.size();
  }
  return at == payload.size();
}

// Where another file holds a file's bytes: that file's index among the files, and the offset.
using Holder = std::optional<std::pair<uint32_t, uint64_t>>;

// For each file, where another file holds it verbatim inside an archive member: rustc wraps
// the .rmeta it puts in an rlib in an object file whose data starts a few hundred bytes into
// the member. Candidates only, found from the file's first bytes near a member's start; the
// caller checks every byte. One level only: a file inside another never holds a third.
std::vector<Holder> find_holders(const std::vector<OutputFile>& files, const std::vector<size_t>& sizes) {
  constexpr size_t kPrefix = 64;         // enough to tell one file's start from another's
  constexpr size_t kMemberStart = 4096;  // how far into a member its wrapped data may start
  std::vector<Holder> holders(files.size());
  std::vector<std::string> prefixes(files.size());
  for (size_t holder = 0; holder < files.size(); ++holder) {
    if (holders[holder]) continue;
    for (const ArMember& member : ar_members(files[holder].path, sizes[holder])) {
      std::string start;
      for (size_t i = 0; i < files.size(); ++i) {
        if (i == holder || holders[i] || sizes[i] < kPrefix || sizes[i] > member.size) continue;
        if (prefixes[i].empty()) prefixes[i] = read_file_part(files[i].path, 0, kPrefix);
        if (start.empty())
          start = read_file_part(files[holder].path, member.offset, std::min<uint64_t>(member.size, kMemberStart));
        const size_t at = start.find(prefixes[i]);
        if (prefixes[i].size() == kPrefix && at != std::string::npos && at + sizes[i] <= member.size) {
          holders[i] = {static_cast<uint32_t>(holder), member.offset + at};
        }
      }
    }
  }
  for (auto& held : holders) {
    if (held && holders[held->first]) held.reset();
  }
  return holders;
}

// Whether load_files looks for outputs that lie inside another (an rlib's .rmeta), to store them
// once.
enum class Inside { Look, DoNotLook };

std::optional<std::filesystem::path> load_files(Entry& entry, const std::vector<OutputFile>& files, Inside inside) {
  std::vector<size_t> sizes;
  const size_t first = entry.outputs.size();
  for (const auto& file : files) {
    const auto stamp = lstat_file(file.path);
    if (!stamp || !S_ISREG(stamp->mode)) return file.path;
    sizes.push_back(static_cast<size_t>(stamp->size));
    // Sizes and hashes are fixed-width fields: a head with stand-in hashes has the final size.
    entry.outputs.push_back(
        {file.role, allowed_mode(stamp->mode), std::string_view(), std::string(kHashSize, '0'), std::nullopt, 0});
  }
  const auto holders = inside == Inside::Look ? find_holders(files, sizes) : std::vector<Holder>(files.size());
  size_t total = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    if (holders[i]) {
      entry.outputs[first + i].inside = static_cast<uint32_t>(first + holders[i]->first);
      entry.outputs[first + i].offset = holders[i]->second;
    } else {
      total += sizes[i];
    }
  }
  const size_t head_size = encode_head(entry).size();
  entry.payload = ByteBuffer(head_size + total);
  char* at = entry.payload.data() + head_size;
  for (size_t i = 0; i < files.size(); ++i) {
    if (holders[i]) continue;
    StoredOutput& output = entry.outputs[first + i];
    if (!read_file_exactly(files[i].path, at, sizes[i])) return files[i].path;
    output.data = std::string_view(at, sizes[i]);
    output.hash = sha256_hex(output.data);
    at += sizes[i];
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (!holders[i]) continue;
    StoredOutput& output = entry.outputs[first + i];
    const std::string_view held = entry.outputs[*output.inside].data.substr(output.offset, sizes[i]);
    if (held.size() != sizes[i] || !file_holds_exactly(files[i].path, held)) {
      // Not a copy after all (or it changed): store every file's bytes.
      entry.outputs.resize(first);
      return load_files(entry, files, Inside::DoNotLook);
    }
    output.data = held;
    output.hash = sha256_hex(held);
  }
  const std::string head = encode_head(entry);
  std::memcpy(entry.payload.data(), head.data(), head.size());
  return std::nullopt;
}

}  // namespace

std::optional<std::filesystem::path> load_outputs(Entry& entry, const std::vector<OutputFile>& files) {
  return load_files(entry, files, Inside::Look);
}

std::string serialize_entry(const Entry& entry) {
  const std::string head = encode_head(entry);
  if (laid_out_in_payload(entry, head)) return encode_object(ObjectType::Entry, entry.payload.view());
  size_t total = head.size();
  for (const auto& output : entry.outputs) total += output.inside ? 0 : output.data.size();
  ByteBuffer payload(total);
  char* at = payload.data();
  std::memcpy(at, head.data(), head.size());  // NOLINT(bugprone-not-null-terminated-result): bytes, not text
  at += head.size();
  for (const auto& output : entry.outputs) {
    if (output.inside) continue;
    std::memcpy(at, output.data.data(), output.data.size());
    at += output.data.size();
  }
  return encode_object(ObjectType::Entry, payload.view());
}

Entry deserialize_entry(std::string_view blob) {
  Entry entry;
  entry.payload = decode_object(ObjectType::Entry, blob);
  BinaryReader r(entry.payload.view());
  // larder stores successful compiles, and a linter's failure (status 1) with no outputs:
  // another status is damage, never replayed.
  entry.exit_code = static_cast<int>(r.u32());
  if (entry.exit_code != 0 && entry.exit_code != 1) throw CorruptData("exit status is neither 0 nor 1");
  const uint64_t micros = r.u64();
  if (micros > kMaxCompileMicros) throw CorruptData("compile time out of range");
  entry.compile_seconds = static_cast<double>(micros) / 1e6;
  entry.stdout_data = r.bytes();
  entry.stderr_data = r.bytes();
  for (uint32_t n = r.count(kMaxBaseDirs); n > 0; --n) {
    std::string marker = r.bytes(kMaxMarker);
    std::string path = r.bytes(kMaxPath);
    if (!is_base_marker(marker) || !is_base_path(path)) throw CorruptData("malformed base folder");
    for (const auto& [other, unused] : entry.base_dirs) {
      if (other == marker) throw CorruptData("base folder marker twice");
    }
    entry.base_dirs.emplace_back(std::move(marker), std::move(path));
  }
  const uint32_t count = r.count(kMaxOutputs);
  std::vector<uint64_t> sizes;
  for (uint32_t i = 0; i < count; ++i) {
    StoredOutput output;
    output.role = r.bytes(kMaxRole);
    if (!is_role(output.role)) throw CorruptData("malformed output role");
    for (const auto& other : entry.outputs) {
      if (other.role == output.role) throw CorruptData("output role twice");
    }
    // Whatever the entry says, an output is restored as rustc would create it.
    output.mode = allowed_mode(r.u32());
    sizes.push_back(r.u64());
    output.hash = r.bytes(kHashSize);
    if (!is_sha256_hex(output.hash)) throw CorruptData("output hash is not a SHA-256");
    if (const uint32_t inside = r.u32(); inside != 0) output.inside = inside - 1;
    output.offset = r.u64();
    entry.outputs.push_back(std::move(output));
  }
  for (uint32_t i = 0; i < count; ++i) {
    if (entry.outputs[i].inside) continue;
    if (sizes[i] > r.remaining()) throw CorruptData("output size exceeds data");
    entry.outputs[i].data = r.take(static_cast<size_t>(sizes[i]));
  }
  for (uint32_t i = 0; i < count; ++i) {
    StoredOutput& output = entry.outputs[i];
    if (!output.inside) continue;
    if (*output.inside >= count || entry.outputs[*output.inside].inside)
      throw CorruptData("output inside no stored output");
    const std::string_view holder = entry.outputs[*output.inside].data;
    if (output.offset > holder.size() || sizes[i] > holder.size() - output.offset) {
      throw CorruptData("output reaches past the output holding it");
    }
    output.data = holder.substr(static_cast<size_t>(output.offset), static_cast<size_t>(sizes[i]));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes");
  if (entry.exit_code != 0 && !entry.outputs.empty())
    throw CorruptData("exit status 1 with outputs (a failed compile stores none)");
  return entry;
}

}  // namespace larder::cache
