// Container credentials (ECS tasks, CodeBuild, EKS Pod Identity): a JSON document from a local
// endpoint, authorized by a token where the platform gives one.
#include <nlohmann/json.hpp>

#include "aws/credential_provider.hpp"
#include "net/url.hpp"
#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::aws {

namespace {

// The SDKs accept FULL_URI only for https or for these link-local / loopback hosts, so a
// stray variable cannot send the authorization token elsewhere.
bool allowed_full_uri(const net::Url& url) {
  if (url.scheme == "https") return true;
  const std::string& host = url.host;
  return host == "169.254.170.2" || host == "169.254.170.23" || host == "fd00:ec2::23" || host == "localhost" ||
         host == "::1" || host.starts_with("127.");
}

}  // namespace

ProviderResult container_credentials(const ProviderContext& context) {
  std::string url;
  if (auto relative = env_value(context.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    url = "http://169.254.170.2" + *relative;
  } else if (auto full = env_value(context.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    auto parsed = net::parse_url(*full);
    if (!parsed || !allowed_full_uri(*parsed)) {
      return unexpected(
          "container: AWS_CONTAINER_CREDENTIALS_FULL_URI must be https or a loopback / "
          "169.254.170.2 / 169.254.170.23 address");
    }
    url = *full;
  } else {
    return std::nullopt;
  }
  net::Request request("GET", url);
  std::optional<std::string> token;
  if (auto token_file = env_value(context.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) {
    token = read_file(*token_file);
    if (!token) return unexpected("container: cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE " + *token_file);
  } else {
    token = env_value(context.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
  }
  if (token) request.headers.emplace_back("Authorization", std::string(trim(*token)));
  const auto response = context.http.send(request);
  if (!response.transport_ok()) return unexpected("container: " + url + ": " + response.error);
  if (response.status != 200) {
    return unexpected("container: " + url + " answered HTTP " + std::to_string(response.status));
  }
  return parse_json_credentials(response.body, "container credentials (" + url + ")");
}

ProviderResult parse_json_credentials(const std::string& body, const std::string& source) {
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return unexpected(source + ": the answer is not JSON");
  if (json.contains("Code") && json["Code"].is_string() && json["Code"] != "Success") {
    return unexpected(source + ": " + json["Code"].get<std::string>());
  }
  Credentials credentials;
  auto text = [&](const char* key) {
    return json.contains(key) && json[key].is_string() ? json[key].get<std::string>() : std::string();
  };
  credentials.access_key_id = text("AccessKeyId");
  credentials.secret_access_key = text("SecretAccessKey");
  credentials.session_token = text("Token");
  if (auto expiration = text("Expiration"); !expiration.empty()) credentials.expires_at = parse_iso8601(expiration);
  credentials.source = source;
  if (credentials.empty()) return unexpected(source + ": the answer has no AccessKeyId/SecretAccessKey");
  return credentials;
}

}  // namespace larder::aws
