#include "cache/object_checks.hpp"

#include <algorithm>

#include "cache/entry.hpp"
#include "cache/key_builder.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {

constexpr size_t kDigestLength = 64;

bool is_lower_hex(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

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
    if (entry_key_of(call_key, result) != result.entry_key) throw CorruptData("a result was not made under its call key");
  }
  return manifest;
}

bool is_object_name(std::string_view name) {
  const size_t dot = name.find('.');
  if (dot != kDigestLength || !is_lower_hex(name.substr(0, dot))) return false;
  const std::string_view suffix = name.substr(dot);
  return suffix == ".manifest" || suffix == ".entry";
}

void check_object(const std::string& name, std::string_view blob) {
  if (!is_object_name(name)) throw CorruptData("not a cache object name");
  const std::string digest = name.substr(0, kDigestLength);
  if (name.ends_with(".entry")) {
    if (sha256_hex(blob) != digest) throw CorruptData("not the entry its name promises");
    (void)deserialize_entry(blob);
  } else {
    (void)checked_manifest(blob, digest);
  }
}

}  // namespace larder::cache
