#include "storage/factory.hpp"

#include "storage/local/local_storage.hpp"
#include "storage/s3/s3_factory.hpp"
#include "util/strings.hpp"

namespace larder::storage {

std::vector<StoragePtr> make_remote_storages(const Settings& settings, std::vector<std::string>& problems) {
  std::vector<StoragePtr> remotes;
  if (auto remote = settings.get("LARDER_REMOTE"); remote && !remote->empty()) {
    for (const auto& raw : split(*remote, ',')) {
      const std::string url(trim(raw));
      if (url.empty()) continue;
      problems.push_back("LARDER_REMOTE: no backend for '" + mask_secret("LARDER_REMOTE", url) +
                         "' (supported: redis://, rediss://, memcached://, http://, https://)");
    }
  }
  if (auto s3 = s3::make_s3_storage(settings, problems)) remotes.push_back(std::move(s3));
  return remotes;
}

std::vector<StoragePtr> make_storage_tiers(const Settings& settings, std::vector<std::string>& problems) {
  std::vector<StoragePtr> tiers;
  tiers.push_back(std::make_unique<LocalStorage>(settings.cache_dir(), settings.cache_size_bytes()));
  for (auto& remote : make_remote_storages(settings, problems)) tiers.push_back(std::move(remote));
  return tiers;
}

}  // namespace larder::storage
