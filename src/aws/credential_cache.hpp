#pragma once
// Temporary credentials kept in LARDER_DIR (mode 0600) until shortly before they expire, so
// that hundreds of wrapper processes in one build do not each call STS or a metadata service.
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "aws/credentials.hpp"

namespace larder::aws {

class CredentialCache {
 public:
  // `identity` names the configuration the credentials belong to (role, endpoint…): another
  // configuration never reads them.
  CredentialCache(std::filesystem::path folder, const std::string& identity);

  // Credentials still valid for at least the refresh margin at `now`.
  std::optional<Credentials> load(std::time_t now) const;
  // Stores credentials that have an expiry; long-term keys are never written.
  void store(const Credentials& credentials) const;

  static constexpr std::time_t kRefreshMargin = 300;

 private:
  std::filesystem::path path_;
};

}  // namespace larder::aws
