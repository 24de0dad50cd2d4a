#include "storage/azure/shared_key.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "util/base64.hpp"
#include "util/strings.hpp"

namespace larder::storage::azure {

namespace {

std::string header_value(const net::Request& request, const std::string& lower_name) {
  for (const auto& [name, value] : request.headers) {
    if (to_lower(name) == lower_name) return value;
  }
  return "";
}

}  // namespace

std::string rfc1123_now() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
  return text;
}

std::optional<std::string> shared_key_authorization(const net::Request& request, const std::string& account,
                                                    const std::string& base64_key, const std::string& url_path,
                                                    const std::string& query) {
  auto key = base64_decode(base64_key);
  if (!key) return std::nullopt;
  const std::string length = request.body.empty() ? "" : std::to_string(request.body.size());
  std::string to_sign = request.method + "\n" + header_value(request, "content-encoding") + "\n" +
                        header_value(request, "content-language") + "\n" + length + "\n" +
                        header_value(request, "content-md5") + "\n" + header_value(request, "content-type") + "\n" +
                        "\n"  // Date: x-ms-date is used instead
                        + header_value(request, "if-modified-since") + "\n" + header_value(request, "if-match") + "\n" +
                        header_value(request, "if-none-match") + "\n" + header_value(request, "if-unmodified-since") +
                        "\n" + header_value(request, "range") + "\n";
  std::map<std::string, std::string> ms_headers;
  for (const auto& [name, value] : request.headers) {
    const std::string lower = to_lower(name);
    if (lower.rfind("x-ms-", 0) == 0) ms_headers[lower] = std::string(trim(value));
  }
  for (const auto& [name, value] : ms_headers) to_sign += name + ":" + value + "\n";
  to_sign += "/" + account + url_path;
  std::map<std::string, std::string> params;
  for (const auto& pair : split(query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    params[to_lower(pair.substr(0, eq))] = eq == std::string::npos ? "" : pair.substr(eq + 1);
  }
  for (const auto& [name, value] : params) to_sign += "\n" + name + ":" + value;

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()), reinterpret_cast<const unsigned char*>(to_sign.data()),
       to_sign.size(), mac, &mac_size);
  return "SharedKey " + account + ":" + base64_encode(std::string_view(reinterpret_cast<char*>(mac), mac_size));
}

}  // namespace larder::storage::azure
