#pragma once
// The checks an object read from any tier must pass before it is used or copied into another
// tier (the trust model in docs/design.md). The wrapper's lookup, `larder cache push` and
// `larder cache prefetch` share them.
#include <string>
#include <string_view>

#include "cache/manifest.hpp"

namespace larder::cache {

// The key a manifest result was made under: the call key and what the result records.
std::string entry_key_of(const std::string& call_key, const ManifestResult& result);

// The manifest in `blob`, whose every result was made under `call_key`. Throws CorruptData.
Manifest checked_manifest(std::string_view blob, const std::string& call_key);

// Whether `name` is a cache object name ("<64 hex>.manifest" or "<64 hex>.entry").
bool is_object_name(std::string_view name);

// Checks an object by its name: an entry is the object its name promises (SHA-256 of its bytes)
// and decodes; a manifest decodes and every result is under the call key its name gives.
// Throws CorruptData with the reason.
void check_object(const std::string& name, std::string_view blob);

}  // namespace larder::cache
