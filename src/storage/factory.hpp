#pragma once
// Builds the storage tiers from the settings: the local disk, then S3 (LARDER_BUCKET), then
// every URL in LARDER_REMOTE in order.
#include <vector>

#include "config/settings.hpp"
#include "storage/storage.hpp"
#include "util/with_problems.hpp"

namespace larder::storage {

// Remote backends only. A remote that cannot be configured is skipped and described in the
// problems (logged by the caller): a bad setting never fails a build, so the tiers that can be
// made and the problems of the others come together rather than as a value or an error.
WithProblems<std::vector<StoragePtr>> make_remote_storages(const Settings& settings);

// The local tier followed by the remotes.
WithProblems<std::vector<StoragePtr>> make_storage_tiers(const Settings& settings);

}  // namespace larder::storage
