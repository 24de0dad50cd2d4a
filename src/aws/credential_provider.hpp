#pragma once
// One source of AWS credentials in the SDK chain. A provider that is not configured (its
// variables unset) answers nullopt; one that is configured but fails says why in its error
// (never a secret) and the chain goes on to the next.
#include <ctime>
#include <optional>
#include <string>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"
#include "net/http_client.hpp"
#include "util/expected.hpp"

namespace larder::aws {

// The credentials, nullopt when the provider is not configured, or why it failed.
using ProviderResult = Expected<std::optional<Credentials>>;

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
