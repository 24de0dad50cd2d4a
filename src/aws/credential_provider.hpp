#pragma once
// One source of AWS credentials in the SDK chain. A provider that is not configured (its
// variables unset) answers `skipped`; one that is configured but fails says why in `problem`
// (never a secret) and the chain goes on to the next.
#include <ctime>
#include <optional>
#include <string>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"
#include "net/http_client.hpp"

namespace larder::aws {

struct ProviderResult {
  std::optional<Credentials> credentials;
  std::string problem;
  bool skipped = false;

  static ProviderResult skip() { return {std::nullopt, {}, true}; }
  static ProviderResult fail(std::string why) { return {std::nullopt, std::move(why), false}; }
  static ProviderResult found(Credentials credentials) { return {std::move(credentials), {}, false}; }
};

struct ProviderContext {
  Env env;
  net::HttpClient& http;
  std::time_t now;
};

ProviderResult environment_credentials(const ProviderContext& context);
// Shared credentials file, then config file, for the active profile.
ProviderResult profile_credentials(const ProviderContext& context);
// STS AssumeRoleWithWebIdentity (GitHub / GitLab OIDC); the STS endpoint follows
// AWS_ENDPOINT_URL_STS, else the regional endpoint.
ProviderResult web_identity_credentials(const ProviderContext& context);
// ECS / CodeBuild / EKS Pod Identity container endpoint.
ProviderResult container_credentials(const ProviderContext& context);
// EC2 instance metadata, IMDSv2 only; AWS_EC2_METADATA_SERVICE_ENDPOINT overrides the address.
ProviderResult imds_credentials(const ProviderContext& context);

// A JSON document {AccessKeyId, SecretAccessKey, Token, Expiration} (container and IMDS).
ProviderResult parse_json_credentials(const std::string& body, const std::string& source);

}  // namespace larder::aws
