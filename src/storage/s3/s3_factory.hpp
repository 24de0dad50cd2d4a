#pragma once
// Builds the S3 tier from LARDER_BUCKET and friends; nullptr (with a problem) when the
// settings cannot work, so that a bad setting never fails a build.
#include <string>
#include <vector>

#include "config/settings.hpp"
#include "storage/storage.hpp"

namespace larder::storage::s3 {

StoragePtr make_s3_storage(const Settings& settings, std::vector<std::string>& problems);

}  // namespace larder::storage::s3
