#include "aws/credential_cache.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include <cerrno>

#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::aws {

namespace fs = std::filesystem;

namespace {

// A folder only this user can enter: not a symlink, owned by us, no group or world access.
bool is_private_folder(const fs::path& folder) {
  struct stat st {};
  if (::lstat(folder.c_str(), &st) != 0) return false;
  return S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) == 0;
}

// `parent`/`name`, created with mode 0700 when missing; nullopt unless it is private.
std::optional<fs::path> private_folder_in(const fs::path& parent, const std::string& name) {
  const fs::path folder = parent / name;
  if (::mkdir(folder.c_str(), 0700) != 0 && errno != EEXIST) return std::nullopt;
  if (!is_private_folder(folder)) {
    spdlog::debug("{} is not a private folder of this user: temporary AWS credentials are not kept", folder.string());
    return std::nullopt;
  }
  return folder;
}

}  // namespace

CredentialCache::CredentialCache(const fs::path& folder, const std::string& identity)
    : path_(folder / ("credentials-" + sha256_hex(identity).substr(0, 24) + ".json")) {}

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
    credentials.source = json.value("source", "") + " (cached in " + path_.parent_path().string() + ")";
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
  if (auto written = write_file_atomic(path_, json.dump(), 0600); !written) {
    spdlog::debug("cannot cache temporary AWS credentials: {}", written.error());
  }
}

std::optional<fs::path> credential_cache_folder(const Env& env) {
  if (auto runtime = env_value(env, "XDG_RUNTIME_DIR");
      runtime && fs::path(*runtime).is_absolute() && is_private_folder(*runtime)) {
    if (auto folder = private_folder_in(*runtime, "larder")) return folder;
  }
  const fs::path temp = env_value(env, "TMPDIR").value_or("/tmp");
  if (!temp.is_absolute()) return std::nullopt;
  return private_folder_in(temp, "larder-" + std::to_string(::geteuid()));
}

void remove_legacy_credential_cache(const fs::path& memo_dir) {
  const fs::path legacy = memo_dir / "aws";
  std::error_code ec;
  if (!fs::exists(fs::symlink_status(legacy, ec))) return;
  fs::remove_all(legacy, ec);
  if (ec)
    spdlog::warn("cannot remove {}, which holds AWS credentials of an older larder: {}", legacy.string(), ec.message());
}

}  // namespace larder::aws
