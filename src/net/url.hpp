#pragma once
// URLs as libcurl's URL API reads them, and RFC 3986 percent-encoding, shared by every network
// backend. The one place that parses a URL: the others build on parse_url().
#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace larder::net {

struct Url {
  std::string scheme;                   // lower case; any scheme, not only those libcurl speaks
  std::optional<std::string> user;      // percent-decoded; "" for "://:password@"
  std::optional<std::string> password;  // percent-decoded
  std::string host;                     // IPv6 without brackets, with "%zone" when one is given
  int port = 0;                         // 0: none written, the scheme's default
  std::string path;                     // as written (percent-encoded), dot segments removed; "/" at least
  std::string query;                    // after '?', without it, as written

  // "host" or "host:port" as it belongs in a Host header (port only when not the default).
  std::string authority() const;
  // scheme://authority
  std::string origin() const;
};

// Parses "scheme://[user[:password]@]host[:port][/path][?query][#fragment]" with libcurl. When
// it is not such a URL, the error says what is wrong in a few words that never quote the text
// (and so never its password). Port 0 is refused: no server listens there.
Expected<Url> parse_url(std::string_view text);

// A host as it is written in a URL: an IPv6 address in brackets, its zone as "%25zone".
std::string url_host(std::string_view host);

// Whether percent_encode keeps '/' (in a path) or encodes it (in a query value or a name).
enum class Slashes { Encode, Keep };
// Percent-encodes every byte but the unreserved ones (A-Z a-z 0-9 - . _ ~) and, with
// Slashes::Keep, '/'. Upper-case hex, as SigV4 requires.
std::string percent_encode(std::string_view text, Slashes slashes = Slashes::Encode);
// Decodes %XX sequences (libcurl's decoder); '+' stays '+'. Malformed sequences are kept as they are.
std::string percent_decode(std::string_view text);

}  // namespace larder::net
