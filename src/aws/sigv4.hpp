#pragma once
// AWS Signature Version 4 (header signing). Own implementation rather than CURLOPT_AWS_SIGV4
// so that the canonical request is visible to the official test suite, session tokens and
// x-amz-content-sha256 are handled the S3 way, and the clock can be corrected for skew.
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "net/http_client.hpp"

namespace larder::aws {

inline constexpr std::string_view kEmptyPayloadHash =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

struct SigningRequest {
  std::string method;
  std::string path;                                        // raw (not percent-encoded)
  std::vector<std::pair<std::string, std::string>> query;  // raw names and values
  net::Headers headers;                                    // every header to sign; Host included
  std::string payload_hash;                                // hex SHA-256 of the body
};

struct SigningParams {
  std::string region;
  std::string service;
  std::time_t timestamp = 0;
  // Generic services normalize the path (remove dot segments, collapse slashes); S3 does not.
  bool normalize_path = false;
  // S3 requires the x-amz-content-sha256 header (signed).
  bool add_content_sha256_header = true;
  // STS-style services that add the session token after signing set this to false.
  bool sign_session_token = true;
};

struct Signature {
  net::Headers headers_to_add;  // X-Amz-Date, X-Amz-Content-Sha256, X-Amz-Security-Token, Authorization
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;
};

Signature sign(const SigningRequest& request, const Credentials& credentials, const SigningParams& params);

// Whether a path is signed as it is (S3) or with dot segments removed and slashes collapsed.
enum class PathForm { AsIs, Normalized };
// The path as it appears in the canonical request and on the wire: every byte but unreserved
// characters and '/' percent-encoded, once.
std::string canonical_uri(std::string_view raw_path, PathForm form);
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);
// "20150830T123600Z"
std::string amz_date(std::time_t time);
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace larder::aws
