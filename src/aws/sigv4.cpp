#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "net/url.hpp"
#include "util/hash.hpp"
#include "util/strings.hpp"

namespace larder::aws {

namespace {

std::string to_hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

// Trims and folds runs of whitespace (including folded lines) into one space.
std::string canonical_header_value(std::string_view value) {
  std::string out;
  bool pending_space = false;
  for (char c : trim(value)) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty()) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  return out;
}

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    const std::string_view segment = path.substr(start, slash - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = slash + 1;
  }
  std::string out;
  for (auto segment : segments) {
    out += '/';
    out += segment;
  }
  const bool trailing = path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..");
  if (out.empty()) return "/";
  if (trailing) out += "/";
  return out;
}

}  // namespace

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &length);
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string amz_date(std::time_t time) {
  std::tm utc{};
  gmtime_r(&time, &utc);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
  return buffer;
}

std::string canonical_uri(std::string_view raw_path, PathForm form) {
  const std::string path =
      raw_path.empty() ? "/" : (form == PathForm::Normalized ? normalize_path(raw_path) : std::string(raw_path));
  return net::percent_encode(path, net::Slashes::Keep);
}

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) encoded.emplace_back(net::percent_encode(name), net::percent_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out += "&";
    out += name + "=" + value;
  }
  return out;
}

Signature sign(const SigningRequest& request, const Credentials& credentials, const SigningParams& params) {
  Signature result;
  const std::string date_time = amz_date(params.timestamp);
  const std::string date = date_time.substr(0, 8);

  net::Headers headers = request.headers;
  headers.emplace_back("X-Amz-Date", date_time);
  result.headers_to_add.emplace_back("X-Amz-Date", date_time);
  if (params.add_content_sha256_header) {
    headers.emplace_back("X-Amz-Content-Sha256", request.payload_hash);
    result.headers_to_add.emplace_back("X-Amz-Content-Sha256", request.payload_hash);
  }
  if (!credentials.session_token.empty()) {
    if (params.sign_session_token) headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
    result.headers_to_add.emplace_back("X-Amz-Security-Token", credentials.session_token);
  }

  // Lower-case names, sorted; repeated headers joined with ',' in their order.
  std::map<std::string, std::string> canonical;
  for (const auto& [name, value] : headers) {
    auto& slot = canonical[to_lower(name)];
    if (!slot.empty()) slot += ",";
    slot += canonical_header_value(value);
  }
  std::string canonical_headers, signed_headers;
  for (const auto& [name, value] : canonical) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers += ";";
    signed_headers += name;
  }

  const PathForm path_form = params.normalize_path ? PathForm::Normalized : PathForm::AsIs;
  result.canonical_request = request.method + "\n" + canonical_uri(request.path, path_form) + "\n" +
                             canonical_query(request.query) + "\n" + canonical_headers + "\n" + signed_headers + "\n" +
                             request.payload_hash;
  const std::string scope = date + "/" + params.region + "/" + params.service + "/aws4_request";
  result.string_to_sign = "AWS4-HMAC-SHA256\n" + date_time + "\n" + scope + "\n" + sha256_hex(result.canonical_request);

  std::string key = hmac_sha256("AWS4" + credentials.secret_access_key, date);
  key = hmac_sha256(key, params.region);
  key = hmac_sha256(key, params.service);
  key = hmac_sha256(key, "aws4_request");
  result.signature = to_hex(hmac_sha256(key, result.string_to_sign));
  result.headers_to_add.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" +
                                                          scope + ", SignedHeaders=" + signed_headers +
                                                          ", Signature=" + result.signature);
  return result;
}

}  // namespace larder::aws
