#pragma once
// The index object: the names of the cache objects (manifests and entries) a build used,
// written by `larder cache push --index NAME` at the end of a job and read by `larder cache
// prefetch --index NAME` at the start of the next, which fetches them into the local tier.
// Stored in the remote tiers as "<SHA-256 of NAME>.index"; untrusted like every object.
#include <string>
#include <string_view>
#include <vector>

namespace larder::cache {

// More than any workspace uses (two objects per compile call); a bound on what a decode takes.
inline constexpr uint32_t kMaxIndexObjects = 500000;

// The storage name of the index called `index_name` (a free-form name such as
// "org/repo/job/branch").
std::string index_object_name(std::string_view index_name);

std::string serialize_index(const std::vector<std::string>& object_names);
// Throws CorruptData on damage, on more than kMaxIndexObjects names, or on a name that is not
// a cache object's.
std::vector<std::string> deserialize_index(std::string_view blob);

}  // namespace larder::cache
