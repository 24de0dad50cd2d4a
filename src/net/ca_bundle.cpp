#include "net/ca_bundle.hpp"

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace larder::net {

CaLocation find_ca_location(const EnvLookup& env, const std::function<bool(const std::string&)>& exists) {
  CaLocation location;
  for (const char* name : {"AWS_CA_BUNDLE", "SSL_CERT_FILE"}) {
    if (auto value = env(name); value && !value->empty()) {
      location.file = *value;
      location.source = name;
      break;
    }
  }
  if (auto dir = env("SSL_CERT_DIR"); dir && !dir->empty()) {
    location.dir = *dir;
    location.source += location.source.empty() ? "SSL_CERT_DIR" : " + SSL_CERT_DIR";
  }
  if (location.file || location.dir) return location;
  // Debian/Ubuntu/Alpine, RHEL/Fedora/Amazon Linux, older RHEL, openSUSE, Alpine/macOS.
  static const std::vector<std::string> kBundles = {
      "/etc/ssl/certs/ca-certificates.crt", "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
      "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/ca-bundle.pem", "/etc/ssl/cert.pem"};
  for (const auto& bundle : kBundles) {
    if (exists(bundle)) {
      location.file = bundle;
      location.source = "system bundle " + bundle;
      return location;
    }
  }
  for (const std::string dir : {"/etc/ssl/certs", "/etc/pki/tls/certs"}) {
    if (exists(dir)) {
      location.dir = dir;
      location.source = "system folder " + dir;
      return location;
    }
  }
  location.source = "none found (libcurl's built-in default)";
  return location;
}

CaLocation find_ca_location() {
  return find_ca_location(
      [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
      },
      [](const std::string& path) {
        std::error_code ec;
        return std::filesystem::exists(path, ec);
      });
}

}  // namespace larder::net
