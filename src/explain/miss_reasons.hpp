#pragma once
// Says in plain words why a call missed: by comparing its key with the closest earlier record
// of the same crate, or, when the call key was found, the manifest's recorded sources and
// environment with the current ones. Pure functions: no files are read here.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cache/manifest.hpp"
#include "explain/key_records.hpp"

namespace larder::explain {

inline constexpr std::string_view kNeverBuilt = "never built with this cache";
inline constexpr size_t kMaxReasons = 8;

// The earlier record to compare with: among those with the same cargo metadata if any, the one
// with the fewest differences, the newest on a tie. Null when there is none.
const KeyRecord* closest_record(const std::vector<KeyRecord>& earlier, const KeyRecord& now);

// What differs between two records of one crate, most telling first. `rebuilt` says whether a
// crate (by name) was itself a miss in this build, to mark externs that changed because of it.
// Empty when nothing recorded differs.
std::vector<std::string> explain_changes(const KeyRecord& before, const KeyRecord& now,
                                         const std::function<bool(std::string_view)>& rebuilt);

// The current state a manifest result is checked against.
struct CurrentInputs {
  std::function<std::string(const cache::ManifestEnvDep&)> env_hash;          // as cache::ManifestEnvDep.value_hash
  std::function<bool(const std::string&)> exists;                             // a portable path
  std::function<std::optional<std::string>(const std::string&)> source_hash;  // a portable path
  std::function<std::string(const std::string&)> base_dir;                    // a marker's path here
};

// Why none of the manifest's results matched, from the result closest to the current inputs.
std::vector<std::string> explain_manifest_mismatch(const cache::Manifest& manifest, const CurrentInputs& now);

// Keeps the first kMaxReasons and says how many more there were.
std::vector<std::string> capped(std::vector<std::string> reasons);

}  // namespace larder::explain
