// EC2 instance profile credentials through IMDSv2: a session token from PUT /latest/api/token,
// then the role name and its credentials. IMDSv1 is not used (disabled on hardened instances).
#include "aws/credential_provider.hpp"
#include "util/strings.hpp"

namespace larder::aws {

ProviderResult imds_credentials(const ProviderContext& context) {
  if (auto disabled = env_value(context.env, "AWS_EC2_METADATA_DISABLED"); disabled && is_truthy(*disabled)) {
    return std::nullopt;
  }
  std::string endpoint = env_value(context.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  while (endpoint.ends_with('/')) endpoint.pop_back();
  const std::string source = "EC2 instance metadata (IMDSv2, " + endpoint + ")";

  net::Request token_request("PUT", endpoint + "/latest/api/token");
  token_request.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  const auto token = context.http.send(token_request);
  if (!token.transport_ok()) return unexpected("instance metadata: " + token.error);
  if (token.status != 200)
    return unexpected("instance metadata: token request answered HTTP " + std::to_string(token.status));

  auto get = [&](const std::string& path) {
    net::Request request("GET", endpoint + path);
    request.headers.emplace_back("X-aws-ec2-metadata-token", token.body);
    return context.http.send(request);
  };
  const auto roles = get("/latest/meta-data/iam/security-credentials/");
  if (!roles.transport_ok() || roles.status != 200) {
    return unexpected("instance metadata: no instance profile role (" + roles.summary() + ")");
  }
  const std::string role(trim(split(roles.body, '\n').front()));
  if (role.empty()) return unexpected("instance metadata: the instance has no IAM role");
  const auto credentials = get("/latest/meta-data/iam/security-credentials/" + role);
  if (!credentials.transport_ok() || credentials.status != 200) {
    return unexpected("instance metadata: credentials of role " + role + ": " + credentials.summary());
  }
  return parse_json_credentials(credentials.body, source + ", role " + role);
}

}  // namespace larder::aws
