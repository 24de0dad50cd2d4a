#pragma once
// The checks an object read from any tier must pass before it is used or copied into another
// tier (the trust model in docs/design.md). The wrapper's lookup, `larder cache push` and
// `larder cache prefetch` share them.
#include <string>
#include <string_view>
#include <vector>

#include "cache/manifest.hpp"

namespace larder::cache {

// The key a manifest result was made under: the call key and what the result records.
std::string entry_key_of(const std::string& call_key, const ManifestResult& result);

// The manifest in `blob`, whose every result was made under `call_key`. Throws CorruptData.
Manifest checked_manifest(std::string_view blob, const std::string& call_key);

// A manifest object as any tier stores it (cache/manifest_bundle.hpp), checked: the manifest
// as checked_manifest checks it, and a carried entry must be the object the newest result
// names (SHA-256 of its bytes; decoding is left to its user). The views point into `blob`.
struct CheckedManifestObject {
  Manifest manifest;
  std::string_view manifest_blob;
  std::string_view carried_entry;  // empty when none is carried
};
CheckedManifestObject checked_manifest_object(std::string_view blob, const std::string& call_key);

// Whether `name` is a cache object name ("<64 hex>.manifest" or "<64 hex>.entry").
bool is_object_name(std::string_view name);

struct NamedObject {
  std::string name;
  std::string_view blob;  // points into the checked blob
};

// Checks an object by its name: an entry is the object its name promises (SHA-256 of its bytes)
// and decodes; a manifest object passes checked_manifest_object under the call key its name
// gives, and an entry it carries decodes. Returns what the local tier keeps of it: the object,
// or a manifest without the entry it carries and that entry under its own name.
// Throws CorruptData with the reason.
std::vector<NamedObject> checked_objects(const std::string& name, std::string_view blob);

}  // namespace larder::cache
