#pragma once
// AWS credentials as resolved by the provider chain. `source` names where they came from
// ("environment", "profile ci in ~/.aws/credentials", "web identity"…), never their values.
#include <cstdint>
#include <optional>
#include <string>

namespace larder::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;          // empty for long-term keys
  std::optional<int64_t> expires_at;  // unix seconds, for temporary credentials
  std::string source;

  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

}  // namespace larder::aws
