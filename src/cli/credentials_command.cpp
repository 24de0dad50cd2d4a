// `larder credentials export`: prints the credentials the AWS chain resolves, so that a CI job
// can hand them to a `docker build` step as a BuildKit secret (where no role is reachable).
// Never onto a terminal unless asked: secrets on a screen end up in scrollback, recordings and
// pasted logs.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <ctime>
#include <iostream>

#include "aws/credential_cache.hpp"
#include "aws/credential_chain.hpp"
#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "util/files.hpp"

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

std::string formatted(const aws::Credentials& c, const std::string& format) {
  std::string text;
  if (format == "env") {
    text = "AWS_ACCESS_KEY_ID=" + c.access_key_id + "\nAWS_SECRET_ACCESS_KEY=" + c.secret_access_key + "\n";
    if (!c.session_token.empty()) text += "AWS_SESSION_TOKEN=" + c.session_token + "\n";
  } else if (format == "ini") {
    text =
        "[default]\naws_access_key_id = " + c.access_key_id + "\naws_secret_access_key = " + c.secret_access_key + "\n";
    if (!c.session_token.empty()) text += "aws_session_token = " + c.session_token + "\n";
  } else {
    // The credential_process format, which every AWS SDK reads.
    nlohmann::json json = {{"Version", 1}, {"AccessKeyId", c.access_key_id}, {"SecretAccessKey", c.secret_access_key}};
    if (!c.session_token.empty()) json["SessionToken"] = c.session_token;
    if (c.expires_at) json["Expiration"] = iso8601(*c.expires_at);
    text = json.dump(2) + "\n";
  }
  return text;
}

}  // namespace

int credentials_command(const CredentialsExport& request) {
  if (request.output.empty() && !request.to_terminal && ::isatty(STDOUT_FILENO)) {
    std::cerr << "larder: not printing AWS credentials to a terminal, where they would stay in the scrollback and in\n"
                 "any recording or copy of it. Write them to a file instead:\n"
                 "  larder credentials export --format "
              << request.format
              << " --output FILE     (mode 0600)\n"
                 "  larder credentials export --format "
              << request.format
              << " > FILE\n"
                 "or pass --stdout to print them here anyway.\n";
    return 2;
  }
  const Settings settings = Settings::load();
  const aws::Env env = [&settings](std::string_view name) { return settings.env(name); };
  aws::remove_legacy_credential_cache(settings.cache_dir() / "memo");
  const auto result = aws::resolve_credentials(env, aws::credential_cache_folder(env));
  if (!result.credentials) {
    std::cerr << "larder: no AWS credentials found\n";
    for (const auto& problem : result.problems) std::cerr << "  " << problem << "\n";
    return 1;
  }
  std::cerr << "larder: credentials from " << result.credentials->source << "\n";
  const std::string text = formatted(*result.credentials, request.format);
  if (request.output.empty()) {
    std::cout << text << std::flush;
    return std::cout ? 0 : 1;
  }
  if (auto written = write_file_atomic(request.output, text, 0600); !written) {
    std::cerr << "larder: " << written.error() << "\n";
    return 1;
  }
  std::cerr << "larder: written to " << request.output << " (mode 0600)\n";
  return 0;
}

}  // namespace larder::cli
