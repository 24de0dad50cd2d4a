#pragma once
// Temporary credentials kept (mode 0600) until shortly before they expire, so that hundreds of
// wrapper processes in one build do not each call STS or a metadata service. They are kept in a
// private runtime folder of the user, never in LARDER_DIR: CI caches archive and upload that.
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "aws/credentials.hpp"
#include "aws/environment.hpp"

namespace larder::aws {

class CredentialCache {
 public:
  // `identity` names the configuration the credentials belong to (role, endpoint…): another
  // configuration never reads them.
  CredentialCache(const std::filesystem::path& folder, const std::string& identity);

  // Credentials still valid for at least the refresh margin at `now`.
  std::optional<Credentials> load(std::time_t now) const;
  // Stores credentials that have an expiry; long-term keys are never written.
  void store(const Credentials& credentials) const;

  static constexpr std::time_t kRefreshMargin = 300;

 private:
  std::filesystem::path path_;
};

// Where temporary credentials are kept between processes: $XDG_RUNTIME_DIR/larder when that is
// a private folder of this user, else larder-<uid> in the temp folder (TMPDIR, else /tmp),
// created with mode 0700 and used only when it is a real folder owned by this user that no one
// else can enter; nullopt when neither is usable (credentials then stay in memory).
std::optional<std::filesystem::path> credential_cache_folder(const Env& env);

// Removes `memo_dir`/aws (memo_dir: LARDER_DIR/memo), where older releases kept credentials,
// so that the next archive of LARDER_DIR holds no secrets.
void remove_legacy_credential_cache(const std::filesystem::path& memo_dir);

}  // namespace larder::aws
