#include "cache/manifest.hpp"

#include <algorithm>

#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"

namespace larder::cache {

namespace {
constexpr uint32_t kMaxItems = 1 << 20;

uint32_t checked_count(BinaryReader& r) {
  const uint32_t count = r.u32();
  if (count > kMaxItems) throw CorruptData("count out of range");
  return count;
}
}  // namespace

std::string serialize_manifest(const Manifest& manifest) {
  BinaryWriter w;
  w.u32(static_cast<uint32_t>(manifest.results.size()));
  for (const auto& result : manifest.results) {
    w.bytes(result.entry_key);
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
  const uint32_t results = checked_count(r);
  for (uint32_t i = 0; i < results; ++i) {
    ManifestResult result;
    result.entry_key = r.bytes();
    for (uint32_t n = checked_count(r); n > 0; --n) {
      ManifestSource source;
      source.path = r.bytes();
      source.hash = r.bytes();
      result.sources.push_back(std::move(source));
    }
    for (uint32_t n = checked_count(r); n > 0; --n) {
      ManifestEnvDep dep;
      dep.name = r.bytes();
      dep.value_hash = r.bytes();
      dep.portable = r.u8() != 0;
      result.env_deps.push_back(std::move(dep));
    }
    for (uint32_t n = checked_count(r); n > 0; --n) result.must_be_absent.push_back(r.bytes());
    for (uint32_t n = checked_count(r); n > 0; --n) {
      PinnedBaseDir pinned;
      pinned.marker = r.bytes();
      pinned.path = r.bytes();
      result.pinned_dirs.push_back(std::move(pinned));
    }
    manifest.results.push_back(std::move(result));
  }
  if (r.remaining() != 0) throw CorruptData("trailing bytes");
  return manifest;
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
