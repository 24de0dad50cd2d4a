#include "cache/object_checks.hpp"

#include "cache/entry.hpp"
#include "cache/manifest_bundle.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"
#include "util/key_builder.hpp"

namespace larder::cache {

namespace {

constexpr size_t kDigestLength = 64;

}  // namespace

std::string entry_key_of(const std::string& call_key, const ManifestResult& result) {
  KeyBuilder key;
  key.add("call", "", call_key);
  for (const auto& source : result.sources) key.add("source", source.path, source.hash);
  for (const auto& dep : result.env_deps) key.add("env-dep", dep.name, dep.value_hash + (dep.portable ? "/p" : "/r"));
  for (const auto& pinned : result.pinned_dirs) key.add("pinned", pinned.marker, pinned.path);
  return key.digest();
}

Manifest checked_manifest(std::string_view blob, const std::string& call_key) {
  Manifest manifest = deserialize_manifest(blob);
  for (const auto& result : manifest.results) {
    if (entry_key_of(call_key, result) != result.entry_key)
      throw CorruptData("a result was not made under its call key");
  }
  return manifest;
}

CheckedManifestObject checked_manifest_object(std::string_view blob, const std::string& call_key) {
  const ManifestParts parts = split_manifest_object(blob);
  CheckedManifestObject checked{checked_manifest(parts.manifest, call_key), parts.manifest, parts.carried_entry};
  if (!checked.carried_entry.empty() &&
      (checked.manifest.results.empty() ||
       sha256_hex(checked.carried_entry) != checked.manifest.results.front().entry_object)) {
    throw CorruptData("the carried entry is not the one the newest result names");
  }
  return checked;
}

bool is_object_name(std::string_view name) {
  const size_t dot = name.find('.');
  if (dot != kDigestLength || !is_sha256_hex(name.substr(0, dot))) return false;
  const std::string_view suffix = name.substr(dot);
  return suffix == ".manifest" || suffix == ".entry";
}

std::vector<NamedObject> checked_objects(const std::string& name, std::string_view blob) {
  if (!is_object_name(name)) throw CorruptData("not a cache object name");
  const std::string digest = name.substr(0, kDigestLength);
  if (name.ends_with(".entry")) {
    if (sha256_hex(blob) != digest) throw CorruptData("not the entry its name promises");
    (void)deserialize_entry(blob);
    return {{name, blob}};
  }
  const auto checked = checked_manifest_object(blob, digest);
  if (checked.carried_entry.empty()) return {{name, blob}};
  (void)deserialize_entry(checked.carried_entry);
  return {{name, checked.manifest_blob},
          {checked.manifest.results.front().entry_object + ".entry", checked.carried_entry}};
}

}  // namespace larder::cache
