#pragma once
// Reads the URLs of LARDER_REMOTE: scheme://[user[:password]@]host[:port][,host[:port]…][/path][?k=v&…].
// net/url parses them (libcurl); this adds what is particular to remotes: several hosts, default
// ports, and the attributes after '?', which configure the backend (prefix, ttl, timeout…): each
// backend says which ones it reads, and the rest are reported as unknown.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace larder::storage {

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string text() const;  // "host:port", IPv6 in brackets
};

struct RemoteUrl {
  std::string scheme;  // lower case
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::vector<HostPort> hosts;
  std::string path;  // starting with '/' ("/" when none is written), percent-decoded
  std::map<std::string, std::string> attributes;

  // Parses `text`; hosts without a port get `default_port`. The error ("not a valid URL (…)")
  // never repeats the user-info.
  static Expected<RemoteUrl> parse(std::string_view text, uint16_t default_port);

  std::optional<std::string> attribute(const std::string& name) const;
  // Attribute names not in `known`, for a warning.
  std::vector<std::string> unknown_attributes(const std::vector<std::string>& known) const;
};

// "500ms", "5s", "10m", "2h", "7d", "30" (seconds) -> milliseconds; nullopt when malformed.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

// Splits LARDER_REMOTE into URLs. A comma starts a new URL only when what follows has a
// scheme ("x://"), so that memcached://a:1,b:2 stays one URL with two servers.
std::vector<std::string> split_remote_urls(std::string_view list);

}  // namespace larder::storage
