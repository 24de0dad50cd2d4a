#pragma once
// Builds the S3 tier from LARDER_BUCKET and friends: nullptr when LARDER_BUCKET is unset, an
// error when the settings cannot work (the caller logs it: a bad setting never fails a build).
#include "config/settings.hpp"
#include "storage/storage.hpp"
#include "util/expected.hpp"

namespace larder::storage::s3 {

Expected<StoragePtr> make_s3_storage(const Settings& settings);

}  // namespace larder::storage::s3
