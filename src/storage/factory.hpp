#pragma once
// Builds the storage tiers from the settings: the local disk, then S3 (LARDER_BUCKET), then
// every URL in LARDER_REMOTE in order.
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "storage/storage.hpp"

namespace larder::storage {

// Remote backends only. A remote that cannot be configured is skipped and described in
// `problems` (logged by the caller): a bad setting never fails a build.
std::vector<StoragePtr> make_remote_storages(const Settings& settings, std::vector<std::string>& problems);

// The local tier followed by the remotes.
std::vector<StoragePtr> make_storage_tiers(const Settings& settings, std::vector<std::string>& problems);

}  // namespace larder::storage
