#pragma once
// A manifest maps a call key (everything known before compiling) to the entries made from it,
// each with the source files and environment it depended on. When they all still match, the
// entry is known without running rustc ("direct" hit).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace larder::cache {

struct ManifestSource {
  std::string path;  // portable: relative to the working directory, or with a base marker
  std::string hash;  // SHA-256 of the contents
};

struct ManifestEnvDep {
  std::string name;
  // SHA-256 of the value as it entered the key (portable or raw), or "" when unset: values
  // can be secrets and manifests travel to shared storage.
  std::string value_hash;
  bool portable = false;  // the value had base folders replaced by markers before hashing
};

// A base folder whose absolute path the outputs contain: the entry is only valid where that
// folder is at the same place.
struct PinnedBaseDir {
  std::string marker;
  std::string path;
};

struct ManifestResult {
  std::vector<ManifestSource> sources;
  std::vector<ManifestEnvDep> env_deps;
  std::vector<std::string> must_be_absent;  // portable paths whose appearance changes the build
  std::vector<PinnedBaseDir> pinned_dirs;
  // What the entry was made from: the call key and the fields above (checked on read: a
  // result moved under another call key is refused).
  std::string entry_key;
  // The entry object's name: SHA-256 of its stored bytes, checked on read before decoding
  // (content addressed), so another object in its place, an older entry of the same crate or
  // another crate's, is a read error and not restored.
  std::string entry_object;
};

struct Manifest {
  std::vector<ManifestResult> results;  // newest first
};

inline constexpr size_t kMaxManifestResults = 8;

std::string serialize_manifest(const Manifest& manifest);
// Throws CorruptData on damage, and on counts, lengths, hashes, paths or base folders out of
// bounds or malformed.
Manifest deserialize_manifest(std::string_view blob);

// Adds the results of `older` that `newest` lacks (another build's, stored meanwhile) after
// its own, keeping the limit: a store merges with the newest stored manifest before writing.
void merge_results(Manifest& newest, const Manifest& older);

// Puts `result` first, dropping an older result for the same entry and the oldest beyond the
// limit.
void add_result(Manifest& manifest, ManifestResult result);

}  // namespace larder::cache
