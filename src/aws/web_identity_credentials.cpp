// OIDC federation (GitHub Actions, GitLab CI): a token file exchanged at STS for temporary
// credentials with AssumeRoleWithWebIdentity. The call needs no signature.
#include "aws/credential_provider.hpp"
#include "aws/xml_text.hpp"
#include "net/url.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::aws {

namespace {

std::string sts_endpoint(const Env& env) {
  if (auto url = env_value(env, "AWS_ENDPOINT_URL_STS")) return *url;
  if (auto url = env_value(env, "AWS_ENDPOINT_URL")) return *url;
  auto region = env_value(env, "AWS_REGION");
  if (!region) region = env_value(env, "AWS_DEFAULT_REGION");
  return region ? "https://sts." + *region + ".amazonaws.com" : "https://sts.amazonaws.com";
}

}  // namespace

ProviderResult web_identity_credentials(const ProviderContext& context) {
  auto token_file = env_value(context.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  auto role_arn = env_value(context.env, "AWS_ROLE_ARN");
  if (!token_file && !role_arn) return std::nullopt;
  if (!token_file || !role_arn) {
    return unexpected(std::string("web identity: ") + (token_file ? "AWS_ROLE_ARN" : "AWS_WEB_IDENTITY_TOKEN_FILE") +
                      " is missing");
  }
  auto token = read_file(*token_file);
  if (!token) return unexpected("web identity: cannot read the token file " + *token_file);
  const std::string session =
      env_value(context.env, "AWS_ROLE_SESSION_NAME").value_or("larder-" + std::to_string(context.now));
  const std::string body =
      "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + net::percent_encode(*role_arn) +
      "&RoleSessionName=" + net::percent_encode(session) +
      "&WebIdentityToken=" + net::percent_encode(std::string(trim(*token)));
  std::string endpoint = sts_endpoint(context.env);
  if (!endpoint.ends_with('/')) endpoint += "/";
  net::Request request("POST", endpoint, body);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.headers.emplace_back("Accept", "application/xml");
  const auto response = context.http.send(request);
  if (!response.transport_ok()) return unexpected("web identity: STS at " + endpoint + ": " + response.error);
  if (response.status != 200) {
    const auto code = xml_text(response.body, "Code").value_or("HTTP " + std::to_string(response.status));
    const auto message = xml_text(response.body, "Message").value_or("");
    return unexpected("web identity: STS refused AssumeRoleWithWebIdentity for " + *role_arn + ": " + code +
                      (message.empty() ? "" : " (" + message + ")"));
  }
  Credentials credentials;
  credentials.access_key_id = xml_text(response.body, "AccessKeyId").value_or("");
  credentials.secret_access_key = xml_text(response.body, "SecretAccessKey").value_or("");
  credentials.session_token = xml_text(response.body, "SessionToken").value_or("");
  if (auto expiration = xml_text(response.body, "Expiration")) credentials.expires_at = parse_iso8601(*expiration);
  credentials.source = "web identity (STS AssumeRoleWithWebIdentity, role " + *role_arn + ")";
  if (credentials.empty()) return unexpected("web identity: STS answer without credentials");
  return credentials;
}

}  // namespace larder::aws
