#include "net/url.hpp"

#include <curl/curl.h>

#include <cctype>
#include <charconv>
#include <climits>
#include <memory>
#include <new>
#include <stdexcept>

namespace larder::net {

namespace {

// Any scheme (the static libcurl speaks only HTTP, larder's URLs also name redis:// and the
// others); spaces, which the hand-written parsers took in attribute values (?ca=/my certs/ca.pem).
constexpr unsigned kParseFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE;

using CurlText = std::unique_ptr<char, decltype(&curl_free)>;

// One libcurl URL handle, freed on every way out of parse_url().
class CurlUrl {
 public:
  explicit CurlUrl(const std::string& text) : handle_(curl_url()) {
    failure_ = handle_ ? curl_url_set(handle_.get(), CURLUPART_URL, text.c_str(), kParseFlags) : CURLUE_OUT_OF_MEMORY;
  }

  // A part of the URL, nullopt when it has none. Any other failure is kept for failure().
  std::optional<std::string> part(CURLUPart which, unsigned flags = 0) {
    if (failure_ != CURLUE_OK) return std::nullopt;
    char* text = nullptr;
    const CURLUcode rc = curl_url_get(handle_.get(), which, &text, flags);
    const CurlText owned(text, curl_free);
    if (rc == CURLUE_OK && text != nullptr) return std::string(text);
    if (!absent(rc)) failure_ = rc;
    return std::nullopt;
  }

  // The first failure of the parse or of part(), CURLUE_OK when none.
  CURLUcode failure() const { return failure_; }

 private:
  static bool absent(CURLUcode rc) {
    return rc == CURLUE_NO_USER || rc == CURLUE_NO_PASSWORD || rc == CURLUE_NO_PORT || rc == CURLUE_NO_QUERY ||
           rc == CURLUE_NO_ZONEID;
  }

  struct Cleanup {
    void operator()(CURLU* handle) const { curl_url_cleanup(handle); }
  };
  std::unique_ptr<CURLU, Cleanup> handle_;
  CURLUcode failure_ = CURLUE_OK;
};

int default_port(const std::string& scheme) { return scheme == "https" ? 443 : 80; }

// Only "scheme://" opens a URL: libcurl would read "localhost:6379" as the scheme "localhost".
bool starts_with_scheme(std::string_view text) {
  const size_t colon = text.find(':');
  return colon != std::string_view::npos && colon > 0 && text.substr(colon).starts_with("://");
}

}  // namespace

std::string Url::authority() const {
  std::string text = url_host(host);
  if (port != 0 && port != default_port(scheme)) text += ":" + std::to_string(port);
  return text;
}

std::string Url::origin() const { return scheme + "://" + authority(); }

Expected<Url> parse_url(std::string_view text) {
  // libcurl reads a C string: a NUL byte would cut the URL short unseen.
  if (text.find('\0') != std::string_view::npos) return unexpected("a NUL byte");
  if (!starts_with_scheme(text)) return unexpected("no scheme://");
  CurlUrl parsed{std::string(text)};
  Url url;
  url.scheme = parsed.part(CURLUPART_SCHEME).value_or("");
  url.user = parsed.part(CURLUPART_USER, CURLU_URLDECODE);
  url.password = parsed.part(CURLUPART_PASSWORD, CURLU_URLDECODE);
  url.host = parsed.part(CURLUPART_HOST).value_or("");
  const auto zone = parsed.part(CURLUPART_ZONEID);
  const auto port = parsed.part(CURLUPART_PORT);
  url.path = parsed.part(CURLUPART_PATH).value_or("/");
  url.query = parsed.part(CURLUPART_QUERY).value_or("");
  if (parsed.failure() != CURLUE_OK) return unexpected(curl_url_strerror(parsed.failure()));
  if (url.host.size() > 2 && url.host.front() == '[' && url.host.back() == ']') {
    url.host = url.host.substr(1, url.host.size() - 2);
  }
  if (zone) url.host += "%" + *zone;
  if (url.host.empty()) return unexpected("no host");
  if (port) {
    const auto [end, rc] = std::from_chars(port->data(), port->data() + port->size(), url.port);
    if (rc != std::errc() || end != port->data() + port->size()) return unexpected("bad port");
    if (url.port == 0) return unexpected("port 0");
  }
  return url;
}

std::string url_host(std::string_view host) {
  if (host.find(':') == std::string_view::npos) return std::string(host);
  std::string text = "[";
  for (char c : host) text += c == '%' ? std::string("%25") : std::string(1, c);
  return text + "]";
}

std::string percent_encode(std::string_view text, Slashes slashes) {
  const bool keep_slash = slashes == Slashes::Keep;
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string percent_decode(std::string_view text) {
  // libcurl reads a length of 0 as "up to the NUL", which a string_view need not have.
  if (text.empty()) return {};
  if (text.size() > static_cast<size_t>(INT_MAX)) throw std::length_error("percent_decode: text too long");
  int length = 0;
  const CurlText decoded(curl_easy_unescape(nullptr, text.data(), static_cast<int>(text.size()), &length), curl_free);
  if (!decoded) throw std::bad_alloc();
  return std::string(decoded.get(), static_cast<size_t>(length));
}

}  // namespace larder::net
