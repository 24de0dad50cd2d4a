#pragma once
// Base64 (RFC 4648, with padding) through OpenSSL's EVP coder: HTTP Basic credentials and
// Azure's SharedKey signatures.
#include <optional>
#include <string>
#include <string_view>

namespace larder {

std::string base64_encode(std::string_view data);
// nullopt when `text` is not base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace larder
