#pragma once
// Where an S3 object lives on the wire: virtual-hosted (bucket.host/key) or path-style
// (host/bucket/key), on AWS's regional endpoints or on a custom endpoint (MinIO, R2, Ceph…).
#include <optional>
#include <string>

#include "util/expected.hpp"

namespace larder::storage::s3 {

struct S3Location {
  std::string bucket;
  std::optional<std::string> endpoint;  // "http(s)://host[:port][/base]"; a bare host means https
  bool path_style = false;
};

struct S3Target {
  std::string url;       // percent-encoded, ready for the HTTP client
  std::string host;      // the Host header value (with a non-default port)
  std::string raw_path;  // unencoded path, for the signer
};

// `key` is the full object key (prefix included); an empty key addresses the bucket itself.
// An error when the endpoint is not a URL.
Expected<S3Target> s3_target(const S3Location& location, const std::string& region, const std::string& key);

// Whether virtual-hosted addressing can work: DNS-compatible bucket names without dots
// (a dot breaks the TLS wildcard certificate).
bool virtual_hostable(const std::string& bucket);

}  // namespace larder::storage::s3
