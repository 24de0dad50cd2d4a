#include "storage/s3/s3_factory.hpp"

#include "aws/region.hpp"
#include "storage/s3/s3_storage.hpp"

namespace larder::storage::s3 {

Expected<StoragePtr> make_s3_storage(const Settings& settings) {
  S3Settings s3;
  s3.location.bucket = settings.get_or("LARDER_BUCKET", "");
  if (s3.location.bucket.empty()) return nullptr;
  if (auto endpoint = settings.get("LARDER_ENDPOINT"); endpoint && !endpoint->empty()) s3.location.endpoint = *endpoint;
  s3.location.path_style = settings.flag("LARDER_S3_PATH_STYLE");
  s3.key_prefix = normalize_key_prefix(settings.get_or("LARDER_S3_KEY_PREFIX", ""));
  s3.anonymous = settings.flag("LARDER_S3_NO_CREDENTIALS");
  s3.sse = settings.get_or("LARDER_S3_SSE", "");
  if (auto checked = check_sse(s3.sse); !checked) return unexpected(checked.error() + ": S3 storage is off");
  // The storage outlives `settings`: keep a copy of the variables the AWS code reads.
  auto environment = std::make_shared<std::map<std::string, std::string, std::less<>>>();
  for (const char* name :
       {"HOME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
        "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_STS", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED",
        // where temporary credentials are kept (aws/credential_cache.hpp)
        "XDG_RUNTIME_DIR", "TMPDIR"}) {
    if (auto value = settings.env(name)) environment->emplace(name, *value);
  }
  s3.env = [environment](std::string_view name) -> std::optional<std::string> {
    auto it = environment->find(name);
    return it == environment->end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  const auto region = aws::configured_region(settings.get("LARDER_REGION"), s3.env);
  s3.region = region.region;
  s3.region_source = region.source;
  s3.memo_dir = settings.cache_dir() / "memo";
  return std::make_unique<S3Storage>(std::move(s3));
}

}  // namespace larder::storage::s3
