#include "cache/manifest.hpp"

#include <algorithm>

#include "cache/entry.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {
// Bounds far above what a crate records (a large crate reads a few thousand sources; a linked
// binary adds its link inputs), checked before anything is kept: manifests come from shared
// storage.
constexpr uint32_t kMaxSources = 1 << 17;
constexpr uint32_t kMaxEnvDeps = 1 << 12;
constexpr uint32_t kMaxPinnedDirs = 64;
constexpr size_t kMaxEnvName = 1024;

std::string sha256_field(BinaryReader& r) {
  std::string hash = r.bytes(kHashSize);
  if (!is_sha256_hex(hash)) throw CorruptData("malformed hash");
  return hash;
}

// A recorded path: non-empty, and no NUL (the file opened would be another).
std::string path_field(BinaryReader& r) {
  std::string path = r.bytes(kMaxPath);
  if (path.empty() || path.find('\0') != std::string::npos) throw CorruptData("malformed path");
  return path;
}
}  // namespace

std::string serialize_manifest(const Manifest& manifest) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(manifest.results.size()));
  for (const auto& result : manifest.results) {
    w.bytes(result.entry_key);
    w.bytes(result.entry_object);
    w.u32(static_cast<uint32_t>(result.sources.size()));
    for (const auto& source : result.sources) {
      w.bytes(source.path);
      w.bytes(source.hash);
    }
    w.u32(static_cast<uint32_t>(result.env_deps.size()));
    for (const auto& dep : result.env_deps) {
      w.bytes(dep.name);
      w.bytes(dep.value_hash);
      w.u8(dep.portable ? 1 : 0);
    }
    w.u32(static_cast<uint32_t>(result.must_be_absent.size()));
    for (const auto& path : result.must_be_absent) w.bytes(path);
    w.u32(static_cast<uint32_t>(result.pinned_dirs.size()));
    for (const auto& pinned : result.pinned_dirs) {
      w.bytes(pinned.marker);
      w.bytes(pinned.path);
    }
  }
  return encode_object(ObjectType::Manifest, w.buffer());
}

Manifest deserialize_manifest(std::string_view blob) {
  const ByteBuffer payload = decode_object(ObjectType::Manifest, blob);
  BinaryReader r(payload.view());
  Manifest manifest;
  for (uint32_t n = r.count(kMaxManifestResults); n > 0; --n) {
    ManifestResult result;
    result.entry_key = sha256_field(r);
    result.entry_object = sha256_field(r);
    for (uint32_t i = r.count(kMaxSources); i > 0; --i) {
      ManifestSource source;
      source.path = path_field(r);
      source.hash = sha256_field(r);
      result.sources.push_back(std::move(source));
    }
    for (uint32_t i = r.count(kMaxEnvDeps); i > 0; --i) {
      ManifestEnvDep dep;
      dep.name = r.bytes(kMaxEnvName);
      if (dep.name.empty() || dep.name.find_first_of(std::string_view("=\0", 2)) != std::string::npos) {
        throw CorruptData("malformed variable name");
      }
      dep.value_hash = r.bytes(kHashSize);
      if (!dep.value_hash.empty() && !is_sha256_hex(dep.value_hash)) throw CorruptData("malformed hash");
      const uint8_t portable = r.u8();
      if (portable > 1) throw CorruptData("malformed flag");
      dep.portable = portable == 1;
      result.env_deps.push_back(std::move(dep));
    }
    for (uint32_t i = r.count(kMaxSources); i > 0; --i) result.must_be_absent.push_back(path_field(r));
    for (uint32_t i = r.count(kMaxPinnedDirs); i > 0; --i) {
      PinnedBaseDir pinned;
      pinned.marker = r.bytes(kMaxPath);
      pinned.path = r.bytes(kMaxPath);
      if (!is_base_marker(pinned.marker) || !is_base_path(pinned.path)) throw CorruptData("malformed base folder");
      result.pinned_dirs.push_back(std::move(pinned));
    }
    manifest.results.push_back(std::move(result));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes");
  return manifest;
}

void merge_results(Manifest& newest, const Manifest& older) {
  for (auto it = older.results.rbegin(); it != older.results.rend(); ++it) {
    const bool known = std::any_of(newest.results.begin(), newest.results.end(),
                                   [&](const ManifestResult& r) { return r.entry_key == it->entry_key; });
    if (!known) newest.results.push_back(*it);
  }
  if (newest.results.size() > kMaxManifestResults) newest.results.resize(kMaxManifestResults);
}

void add_result(Manifest& manifest, ManifestResult result) {
  auto& results = manifest.results;
  results.erase(std::remove_if(results.begin(), results.end(),
                               [&](const ManifestResult& r) { return r.entry_key == result.entry_key; }),
                results.end());
  results.insert(results.begin(), std::move(result));
  if (results.size() > kMaxManifestResults) results.resize(kMaxManifestResults);
}

}  // namespace larder::cache
