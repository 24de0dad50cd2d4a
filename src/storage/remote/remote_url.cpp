#include "storage/remote/remote_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "net/url.hpp"
#include "util/strings.hpp"

namespace larder::storage {

namespace {

bool has_scheme(std::string_view text) {
  const size_t pos = text.find("://");
  if (pos == std::string_view::npos || pos == 0) return false;
  for (size_t i = 0; i < pos; ++i) {
    const char c = text[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

Unexpected<std::string> not_valid(std::string_view reason, std::string_view host = {}) {
  std::string message = "not a valid URL (" + std::string(reason) + ")";
  if (!host.empty()) message += " at host '" + std::string(host) + "'";
  return unexpected(std::move(message));
}

// One URL with a single host, through net/url. `shown_host` is named in the message (the hosts
// come after the user-info: naming one never shows a password).
Expected<net::Url> parse_single(const std::string& text, std::string_view shown_host) {
  auto parsed = net::parse_url(text);
  if (!parsed) return not_valid(parsed.error(), shown_host);
  return parsed;
}

HostPort host_port(const net::Url& url, uint16_t default_port) {
  return {url.host, url.port != 0 ? static_cast<uint16_t>(url.port) : default_port};
}

}  // namespace

std::string HostPort::text() const { return net::url_host(host) + ":" + std::to_string(port); }

Expected<RemoteUrl> RemoteUrl::parse(std::string_view text, uint16_t default_port) {
  const size_t separator = text.find("://");
  if (separator == std::string_view::npos) return not_valid("no scheme://");
  const size_t start = separator + 3;
  const size_t end = std::min(text.find_first_of("/?#", start), text.size());
  std::string_view authority = text.substr(start, end - start);
  std::string user_info;  // with its '@'
  if (const size_t at = authority.find('@'); at != std::string_view::npos) {
    // libcurl ends the user-info at the first '@': the rest of a password would be read as a host.
    if (authority.find('@', at + 1) != std::string_view::npos) {
      return not_valid("an '@' in the user or password is written %40");
    }
    user_info = authority.substr(0, at + 1);
    authority.remove_prefix(at + 1);
  }
  std::vector<std::string> hosts;
  for (const auto& host : split(authority, ',')) {
    if (!trim(host).empty()) hosts.emplace_back(trim(host));
  }
  if (hosts.empty()) return not_valid("no host");

  // libcurl reads one host: the first comes with the rest of the URL, the others alone.
  const std::string opening(text.substr(0, start));  // "redis://"
  const bool several = hosts.size() > 1;
  const std::string rest(text.substr(end));
  const auto parsed = parse_single(opening + user_info + hosts[0] + rest, several ? hosts[0] : "");
  if (!parsed) return unexpected(parsed.error());
  const net::Url& first = *parsed;
  RemoteUrl url;
  url.scheme = first.scheme;
  url.user = first.user;
  url.password = first.password;
  url.path = net::percent_decode(first.path);
  url.hosts.push_back(host_port(first, default_port));
  for (size_t i = 1; i < hosts.size(); ++i) {
    const auto other = parse_single(opening + hosts[i], hosts[i]);
    if (!other) return unexpected(other.error());
    url.hosts.push_back(host_port(*other, default_port));
  }
  for (const auto& pair : split(first.query, '&')) {
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    const std::string key = to_lower(net::percent_decode(std::string_view(pair).substr(0, eq)));
    url.attributes[key] = eq == std::string::npos ? "" : net::percent_decode(std::string_view(pair).substr(eq + 1));
  }
  return url;
}

std::optional<std::string> RemoteUrl::attribute(const std::string& name) const {
  const auto it = attributes.find(name);
  if (it == attributes.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> RemoteUrl::unknown_attributes(const std::vector<std::string>& known) const {
  std::vector<std::string> unknown;
  for (const auto& [name, value] : attributes) {
    bool found = false;
    for (const auto& k : known) found = found || k == name;
    if (!found) unknown.push_back(name);
  }
  return unknown;
}

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  text = trim(text);
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t value = 0;
  std::from_chars(text.data(), text.data() + digits, value);
  const std::string unit = to_lower(text.substr(digits));
  uint64_t factor = 0;
  if (unit.empty() || unit == "s")
    factor = 1000;
  else if (unit == "ms")
    factor = 1;
  else if (unit == "m")
    factor = 60'000;
  else if (unit == "h")
    factor = 3'600'000;
  else if (unit == "d")
    factor = 86'400'000;
  else
    return std::nullopt;
  return std::chrono::milliseconds(value * factor);
}

std::vector<std::string> split_remote_urls(std::string_view list) {
  std::vector<std::string> urls;
  for (const auto& piece : split(list, ',')) {
    const std::string_view part = trim(piece);
    if (part.empty()) continue;
    if (urls.empty() || has_scheme(part)) {
      urls.emplace_back(part);
    } else {
      urls.back() += ',';
      urls.back() += part;
    }
  }
  return urls;
}

}  // namespace larder::storage
