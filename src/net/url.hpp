#pragma once
// URL pieces and RFC 3986 percent-encoding, shared by every network backend.
#include <optional>
#include <string>
#include <string_view>

namespace larder::net {

struct Url {
  std::string scheme;  // "http" or "https", lower case
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0: the scheme's default
  std::string path;    // as written (may be percent-encoded), "" or starting with '/'
  std::string query;   // after '?', without it

  // "host" or "host:port" as it belongs in a Host header (port only when not the default).
  std::string authority() const;
  // scheme://authority
  std::string origin() const;
};

// Parses "scheme://[userinfo@]host[:port][/path][?query]"; nullopt when it is not such a URL.
std::optional<Url> parse_url(std::string_view text);

// Percent-encodes every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~); '/' is kept when
// `keep_slash` (paths). Upper-case hex, as SigV4 requires.
std::string percent_encode(std::string_view text, bool keep_slash = false);
// Decodes %XX sequences; '+' stays '+'. Malformed sequences are kept as they are.
std::string percent_decode(std::string_view text);

}  // namespace larder::net
