#pragma once
// Where the trusted CA certificates are, so that one static binary verifies TLS on Debian,
// Alpine, RHEL and Amazon Linux alike: AWS_CA_BUNDLE, SSL_CERT_FILE and SSL_CERT_DIR win,
// else the first bundle that exists where distributions keep it.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace larder::net {

struct CaLocation {
  std::optional<std::string> file;  // PEM bundle (CURLOPT_CAINFO)
  std::optional<std::string> dir;   // hashed certificate folder (CURLOPT_CAPATH)
  std::string source;               // "AWS_CA_BUNDLE", "SSL_CERT_FILE", "system bundle …", "none found"
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

// `env` reads a variable; `exists` tells whether a path exists (both injectable for tests).
CaLocation find_ca_location(const EnvLookup& env, const std::function<bool(const std::string&)>& exists);
// The same with the process environment and file system.
CaLocation find_ca_location();

}  // namespace larder::net
