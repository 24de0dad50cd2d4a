#pragma once
// Azure Storage "SharedKey" request signing (Blob service): the string-to-sign of the REST
// documentation, HMAC-SHA256 with the decoded account key, base64.
#include <optional>
#include <string>
#include <string_view>

#include "net/http_client.hpp"

namespace larder::storage::azure {

// The Authorization header value for `request`, whose headers must already hold every x-ms-*
// header and the Content-Type; `url_path` is the request's encoded path and `query` its query
// string without '?'. nullopt when `base64_key` is not base64.
std::optional<std::string> shared_key_authorization(const net::Request& request, const std::string& account,
                                                    const std::string& base64_key, const std::string& url_path,
                                                    const std::string& query);

std::string rfc1123_now();

}  // namespace larder::storage::azure
