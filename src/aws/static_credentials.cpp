// Long-term (or externally provided session) credentials: environment and profile files.
#include "aws/credential_provider.hpp"
#include "aws/ini_file.hpp"

namespace larder::aws {

ProviderResult environment_credentials(const ProviderContext& context) {
  auto id = env_value(context.env, "AWS_ACCESS_KEY_ID");
  auto secret = env_value(context.env, "AWS_SECRET_ACCESS_KEY");
  if (!id && !secret) return std::nullopt;
  if (!id || !secret) {
    return unexpected(std::string("environment: ") + (id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID") +
                      " is missing");
  }
  Credentials credentials{*id, *secret, env_value(context.env, "AWS_SESSION_TOKEN").value_or(""), std::nullopt,
                          "environment (AWS_ACCESS_KEY_ID)"};
  return credentials;
}

ProviderResult profile_credentials(const ProviderContext& context) {
  const std::string profile = active_profile(context.env);
  const auto credentials_path = env_value(context.env, "AWS_SHARED_CREDENTIALS_FILE")
                                    .value_or(aws_home_file(context.env, "credentials").string());
  const auto config_path =
      env_value(context.env, "AWS_CONFIG_FILE").value_or(aws_home_file(context.env, "config").string());
  // The credentials file names sections by profile; the config file as "profile NAME"
  // (except "default").
  const std::pair<std::string, std::string> files[] = {
      {credentials_path, profile}, {config_path, profile == "default" ? profile : "profile " + profile}};
  bool profile_seen = false;
  for (const auto& [path, section_name] : files) {
    auto sections = read_ini_file(path);
    if (!sections) continue;
    auto section = sections->find(section_name);
    if (section == sections->end()) continue;
    profile_seen = true;
    const auto& keys = section->second;
    auto id = keys.find("aws_access_key_id");
    auto secret = keys.find("aws_secret_access_key");
    if (id == keys.end() || secret == keys.end()) continue;
    auto token = keys.find("aws_session_token");
    return Credentials{id->second, secret->second, token == keys.end() ? "" : token->second, std::nullopt,
                       "profile '" + profile + "' in " + path};
  }
  if (profile_seen) return std::nullopt;  // e.g. a profile with only a region
  if (env_value(context.env, "AWS_PROFILE")) {
    return unexpected("profile '" + profile + "' (AWS_PROFILE) is in neither " + credentials_path + " nor " +
                      config_path);
  }
  return std::nullopt;
}

}  // namespace larder::aws
