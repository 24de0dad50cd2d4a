#include "aws/credential_chain.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "aws/credential_cache.hpp"
#include "aws/credential_provider.hpp"

namespace larder::aws {

namespace {

// Everything that selects which temporary credentials the chain would fetch.
std::string temporary_identity(const Env& env) {
  std::string identity;
  for (const char* name :
       {"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME", "AWS_ENDPOINT_URL_STS",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED"}) {
    identity += std::string(name) + "=" + env_value(env, name).value_or("") + "\n";
  }
  return identity;
}

}  // namespace

ChainResult resolve_credentials(const Env& env, const std::optional<std::filesystem::path>& cache_folder) {
  ChainResult result;
  net::ClientOptions options;
  options.connect_timeout = std::chrono::milliseconds(1000);
  options.stall_timeout = std::chrono::seconds(2);
  options.total_timeout = std::chrono::milliseconds(5000);
  options.max_attempts = 2;
  net::HttpClient http(options);
  const ProviderContext context{env, http, std::time(nullptr)};

  auto take = [&](ProviderResult provided) {
    if (!provided) {
      spdlog::debug("AWS credentials: {}", provided.error());
      result.problems.push_back(std::move(provided).error());
      return false;
    }
    if (!*provided) return false;  // not configured
    spdlog::debug("AWS credentials from {}", (*provided)->source);
    result.credentials = std::move(*provided);
    return true;
  };

  if (take(environment_credentials(context)) || take(profile_credentials(context))) return result;

  std::optional<CredentialCache> cache;
  if (cache_folder) {
    cache.emplace(*cache_folder, temporary_identity(env));
    if (auto cached = cache->load(context.now)) {
      result.credentials = std::move(cached);
      return result;
    }
  }
  for (auto provider : {web_identity_credentials, container_credentials, imds_credentials}) {
    if (take(provider(context))) {
      if (cache) cache->store(*result.credentials);
      return result;
    }
  }
  return result;
}

}  // namespace larder::aws
