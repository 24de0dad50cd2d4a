#include "aws/credential_cache.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::aws {

CredentialCache::CredentialCache(std::filesystem::path folder, const std::string& identity)
    : path_(std::move(folder) / ("credentials-" + sha256_hex(identity).substr(0, 24) + ".json")) {}

std::optional<Credentials> CredentialCache::load(std::time_t now) const {
  auto text = read_file(path_);
  if (!text) return std::nullopt;
  const auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return std::nullopt;
  try {
    Credentials credentials;
    credentials.access_key_id = json.at("access_key_id");
    credentials.secret_access_key = json.at("secret_access_key");
    credentials.session_token = json.value("session_token", "");
    credentials.expires_at = json.at("expires_at").get<int64_t>();
    credentials.source = json.value("source", "") + " (cached in LARDER_DIR)";
    if (*credentials.expires_at - kRefreshMargin <= now || credentials.empty()) return std::nullopt;
    return credentials;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void CredentialCache::store(const Credentials& credentials) const {
  if (!credentials.expires_at) return;
  const nlohmann::json json = {{"access_key_id", credentials.access_key_id},
                               {"secret_access_key", credentials.secret_access_key},
                               {"session_token", credentials.session_token},
                               {"expires_at", *credentials.expires_at},
                               {"source", credentials.source}};
  if (auto error = write_file_atomic(path_, json.dump(), 0600)) {
    spdlog::debug("cannot cache temporary AWS credentials: {}", *error);
  }
}

}  // namespace larder::aws
