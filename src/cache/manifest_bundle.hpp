#pragma once
// On remote tiers a manifest object may carry the entry of its newest result, so that a hit
// from a remote is one request (the manifest) instead of two (manifest, then entry):
//   magic "LRDR" · 'B' · format version · manifest size (u64) · manifest object · entry object
// Both parts are complete objects with their own checks (cache/object_checks.hpp); the bundle
// adds no compression of its own, so splitting it copies nothing. The local tier keeps plain
// manifests: reading it costs no round trip, and the entry is stored there by its own name.
#include <string>
#include <string_view>

namespace larder::cache {

// Entries up to this size are carried. Above it a transfer takes longer than a round trip to
// a same-region store (4 MiB at ~100 MB/s is 40 ms), so the second request matters little,
// and the copy a bundle adds to remote storage stays bounded.
inline constexpr size_t kMaxCarriedEntry = 4 << 20;

struct ManifestParts {
  std::string_view manifest;       // the manifest object
  std::string_view carried_entry;  // the newest result's entry object, or empty
};

// A stored manifest object split into its parts: a plain manifest is all manifest. The views
// point into `blob`. Throws CorruptData on a bundle whose sizes do not add up; the parts
// themselves are checked by their readers.
ManifestParts split_manifest_object(std::string_view blob);

// The object a remote stores: the manifest alone, or with `entry` when it is small enough.
std::string remote_manifest_object(std::string_view manifest, std::string_view entry);

}  // namespace larder::cache
