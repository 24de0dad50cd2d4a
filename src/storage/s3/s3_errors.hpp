#pragma once
// Turns an S3 answer into one line that says what went wrong and how to fix it, for logs,
// stats and `larder doctor`. Never includes a secret.
#include <optional>
#include <string>

#include "net/http_client.hpp"

namespace larder::storage::s3 {

struct ErrorContext {
  std::string operation;  // "GET", "PUT", "DELETE", "HEAD", "HEAD bucket"
  std::string bucket;
  std::string key_prefix;
  std::string region;              // the region the request was signed for
  std::string endpoint;            // for "cannot reach" messages
  std::string credentials_source;  // "" when anonymous
};

// The <Code> of an S3 error document, else "HTTP <status>".
std::string error_code(const net::Response& response);
// The bucket's region when the answer names one (x-amz-bucket-region, <Region>).
std::optional<std::string> region_hint(const net::Response& response);
std::string explain(const net::Response& response, const ErrorContext& context);
// Whether S3 asks to try again: transport errors, 5xx (SlowDown, InternalError), 429, RequestTimeout.
bool s3_retryable(const net::Response& response);

}  // namespace larder::storage::s3
