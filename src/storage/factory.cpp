#include "storage/factory.hpp"

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

// One LARDER_REMOTE URL -> its backend, chosen by scheme (a null storage for a scheme with no
// backend), or why the URL cannot be used.
MadeStorage make_remote(const std::string& url, const Settings& settings) {
  const auto state_dir = settings.cache_dir() / "memo" / "remotes";
  const std::string scheme = to_lower(url.substr(0, url.find("://")));
  if (scheme == "redis" || scheme == "rediss") {
    return RemoteUrl::parse(url, 6379).and_then(
        [&](const RemoteUrl& parsed) { return RedisStorage::create(parsed, state_dir); });
  }
  if (scheme == "memcached") {
    return RemoteUrl::parse(url, 11211).and_then([&](const RemoteUrl& parsed) {
      return MemcachedStorage::create(parsed, state_dir);
    });
  }
  if (scheme == "http" || scheme == "https") {
    return RemoteUrl::parse(url, scheme == "https" ? 443 : 80).and_then([&](const RemoteUrl& parsed) {
      return HttpStorage::create(parsed, state_dir);
    });
  }
  if (scheme == "azblob") {
    return RemoteUrl::parse(url, 443).and_then([&](const RemoteUrl& parsed) {
      return AzureBlobStorage::create(parsed, state_dir, [&](const std::string& name) { return settings.env(name); });
    });
  }
  return WithProblems<StoragePtr>{};
}

}  // namespace

WithProblems<std::vector<StoragePtr>> make_remote_storages(const Settings& settings) {
  WithProblems<std::vector<StoragePtr>> remotes;
  auto& problems = remotes.problems;
  // S3 (LARDER_BUCKET) is consulted before the LARDER_REMOTE tiers, in the order they are listed.
  if (auto s3 = s3::make_s3_storage(settings); !s3) {
    problems.push_back(std::move(s3).error());
  } else if (*s3) {
    remotes.value.push_back(std::move(*s3));
  }
  if (auto remote = settings.get("LARDER_REMOTE"); remote && !remote->empty()) {
    for (const auto& url : split_remote_urls(*remote)) {
      const std::string shown = mask_secret("LARDER_REMOTE", url);
      auto made = make_remote(url, settings);
      if (!made) {
        problems.push_back("LARDER_REMOTE " + shown + " is not usable: " + made.error());
        continue;
      }
      for (const auto& note : made->problems) problems.push_back("LARDER_REMOTE " + shown + ": " + note);
      if (made->value) {
        remotes.value.push_back(std::move(made->value));
      } else {
        problems.push_back("LARDER_REMOTE: no backend for '" + shown +
                           "' (supported: redis://, rediss://, memcached://, http://, https://, azblob://)");
      }
    }
  }
  return remotes;
}

WithProblems<std::vector<StoragePtr>> make_storage_tiers(const Settings& settings) {
  WithProblems<std::vector<StoragePtr>> tiers;
  tiers.value.push_back(std::make_unique<LocalStorage>(settings.cache_dir(), settings.cache_size_bytes()));
  for (auto& remote : tiers.take(make_remote_storages(settings))) tiers.value.push_back(std::move(remote));
  return tiers;
}

}  // namespace larder::storage
