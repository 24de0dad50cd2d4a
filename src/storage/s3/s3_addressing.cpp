#include "storage/s3/s3_addressing.hpp"

#include <cctype>

#include "aws/sigv4.hpp"
#include "net/url.hpp"

namespace larder::storage::s3 {

bool virtual_hostable(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (char c : bucket) {
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      return false;
    }
  }
  return bucket.front() != '-' && bucket.back() != '-';
}

Expected<S3Target> s3_target(const S3Location& location, const std::string& region, const std::string& key) {
  net::Url base;
  if (location.endpoint) {
    std::string text = *location.endpoint;
    if (text.find("://") == std::string::npos) text = "https://" + text;
    auto parsed = net::parse_url(text);
    if (!parsed) return unexpected("LARDER_ENDPOINT='" + *location.endpoint + "' is not a URL");
    base = *parsed;
    while (base.path.ends_with('/')) base.path.pop_back();
  } else {
    base.scheme = "https";
    base.host = region == "us-east-1" ? "s3.amazonaws.com" : "s3." + region + ".amazonaws.com";
  }
  const bool path_style = location.path_style || !virtual_hostable(location.bucket);
  S3Target target;
  if (path_style) {
    // The bucket itself is "/bucket", as the SDKs sign it.
    target.raw_path = net::percent_decode(base.path) + "/" + location.bucket + (key.empty() ? "" : "/" + key);
  } else {
    base.host = location.bucket + "." + base.host;
    target.raw_path = net::percent_decode(base.path) + "/" + key;
  }
  target.host = base.authority();
  target.url = base.origin() + aws::canonical_uri(target.raw_path, aws::PathForm::AsIs);
  return target;
}

}  // namespace larder::storage::s3
