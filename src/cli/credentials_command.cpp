// `larder credentials export`: prints the credentials the AWS chain resolves, so that a CI job
// can hand them to a `docker build` step as a BuildKit secret (where no role is reachable).
#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

#include "aws/credential_cache.hpp"
#include "aws/credential_chain.hpp"
#include "cli/commands.hpp"
#include "config/settings.hpp"

namespace larder::cli {

namespace {

std::string iso8601(int64_t seconds) {
  const std::time_t time = seconds;
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace

int credentials_command(const std::string& format) {
  const Settings settings = Settings::load();
  const aws::Env env = [&settings](std::string_view name) { return settings.env(name); };
  aws::remove_legacy_credential_cache(settings.cache_dir() / "memo");
  const auto result = aws::resolve_credentials(env, aws::credential_cache_folder(env));
  if (!result.credentials) {
    std::cerr << "larder: no AWS credentials found\n";
    for (const auto& problem : result.problems) std::cerr << "  " << problem << "\n";
    return 1;
  }
  const auto& c = *result.credentials;
  std::cerr << "larder: credentials from " << c.source << "\n";
  if (format == "env") {
    std::cout << "AWS_ACCESS_KEY_ID=" << c.access_key_id << "\nAWS_SECRET_ACCESS_KEY=" << c.secret_access_key << "\n";
    if (!c.session_token.empty()) std::cout << "AWS_SESSION_TOKEN=" << c.session_token << "\n";
  } else if (format == "ini") {
    std::cout << "[default]\naws_access_key_id = " << c.access_key_id << "\naws_secret_access_key = " << c.secret_access_key << "\n";
    if (!c.session_token.empty()) std::cout << "aws_session_token = " << c.session_token << "\n";
  } else {
    // The credential_process format, which every AWS SDK reads.
    nlohmann::json json = {{"Version", 1}, {"AccessKeyId", c.access_key_id}, {"SecretAccessKey", c.secret_access_key}};
    if (!c.session_token.empty()) json["SessionToken"] = c.session_token;
    if (c.expires_at) json["Expiration"] = iso8601(*c.expires_at);
    std::cout << json.dump(2) << "\n";
  }
  return 0;
}

}  // namespace larder::cli
