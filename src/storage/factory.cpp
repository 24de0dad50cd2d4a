#include "storage/factory.hpp"

#include <stdexcept>

#include "storage/azure/azure_blob_storage.hpp"
#include "storage/http/http_storage.hpp"
#include "storage/local/local_storage.hpp"
#include "storage/memcached/memcached_storage.hpp"
#include "storage/redis/redis_storage.hpp"
#include "storage/remote/remote_url.hpp"
#include "storage/s3/s3_factory.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

// Until the backends are made by factory functions, a URL that cannot be parsed is thrown as
// they throw their own configuration errors.
RemoteUrl parse_or_throw(const std::string& url, uint16_t default_port) {
  auto parsed = RemoteUrl::parse(url, default_port);
  if (!parsed) throw std::invalid_argument(parsed.error());
  return std::move(*parsed);
}

// One LARDER_REMOTE URL -> its backend, chosen by scheme; nullptr for an unknown scheme.
StoragePtr make_remote(const std::string& url, const Settings& settings, std::vector<std::string>& problems) {
  const auto state_dir = settings.cache_dir() / "memo" / "remotes";
  const std::string scheme = to_lower(url.substr(0, url.find("://")));
  if (scheme == "redis" || scheme == "rediss") {
    return std::make_unique<RedisStorage>(parse_or_throw(url, 6379), state_dir, problems);
  }
  if (scheme == "memcached") {
    return std::make_unique<MemcachedStorage>(parse_or_throw(url, 11211), state_dir, problems);
  }
  if (scheme == "http" || scheme == "https") {
    return std::make_unique<HttpStorage>(parse_or_throw(url, scheme == "https" ? 443 : 80), state_dir, problems);
  }
  if (scheme == "azblob") {
    return std::make_unique<AzureBlobStorage>(
        parse_or_throw(url, 443), state_dir, [&](const std::string& name) { return settings.env(name); }, problems);
  }
  return nullptr;
}

}  // namespace

std::vector<StoragePtr> make_remote_storages(const Settings& settings, std::vector<std::string>& problems) {
  std::vector<StoragePtr> remotes;
  // S3 (LARDER_BUCKET) is consulted before the LARDER_REMOTE tiers, in the order they are listed.
  if (auto s3 = s3::make_s3_storage(settings, problems)) remotes.push_back(std::move(s3));
  if (auto remote = settings.get("LARDER_REMOTE"); remote && !remote->empty()) {
    for (const auto& url : split_remote_urls(*remote)) {
      const std::string shown = mask_secret("LARDER_REMOTE", url);
      try {
        std::vector<std::string> notes;
        auto storage = make_remote(url, settings, notes);
        for (const auto& note : notes) problems.push_back("LARDER_REMOTE " + shown + ": " + note);
        if (storage) {
          remotes.push_back(std::move(storage));
        } else {
          problems.push_back("LARDER_REMOTE: no backend for '" + shown +
                             "' (supported: redis://, rediss://, memcached://, http://, https://, azblob://)");
        }
      } catch (const std::exception& error) {
        problems.push_back("LARDER_REMOTE " + shown + " is not usable: " + error.what());
      }
    }
  }
  return remotes;
}

std::vector<StoragePtr> make_storage_tiers(const Settings& settings, std::vector<std::string>& problems) {
  std::vector<StoragePtr> tiers;
  tiers.push_back(std::make_unique<LocalStorage>(settings.cache_dir(), settings.cache_size_bytes()));
  for (auto& remote : make_remote_storages(settings, problems)) tiers.push_back(std::move(remote));
  return tiers;
}

}  // namespace larder::storage
