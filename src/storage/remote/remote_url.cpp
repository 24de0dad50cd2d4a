#include "storage/remote/remote_url.hpp"

#include <cctype>
#include <charconv>
#include <stdexcept>

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

HostPort parse_host_port(std::string_view text, uint16_t default_port) {
  HostPort result;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {  // [::1]:6379
    const size_t close = text.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("unclosed '[' in host");
    result.host = std::string(text.substr(1, close - 1));
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') throw std::invalid_argument("unexpected text after ']'");
      port_text = text.substr(close + 2);
    }
  } else {
    const size_t colon = text.rfind(':');
    result.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) port_text = text.substr(colon + 1);
  }
  if (result.host.empty()) throw std::invalid_argument("no host");
  result.port = default_port;
  if (!port_text.empty()) {
    unsigned value = 0;
    auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (error != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      throw std::invalid_argument("bad port '" + std::string(port_text) + "'");
    }
    result.port = static_cast<uint16_t>(value);
  }
  return result;
}

}  // namespace

std::string HostPort::text() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() + 0 && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

RemoteUrl RemoteUrl::parse(std::string_view text, uint16_t default_port) {
  RemoteUrl url;
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) throw std::invalid_argument("no scheme (expected scheme://…)");
  url.scheme = to_lower(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);

  if (const size_t query = rest.find('?'); query != std::string_view::npos) {
    for (const auto& pair : split(rest.substr(query + 1), '&')) {
      if (pair.empty()) continue;
      const size_t eq = pair.find('=');
      const std::string key = to_lower(percent_decode(pair.substr(0, eq)));
      url.attributes[key] = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
    }
    rest = rest.substr(0, query);
  }
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) url.path = percent_decode(rest.substr(slash));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    const size_t colon = userinfo.find(':');
    url.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos) url.password = percent_decode(userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  for (const auto& host : split(authority, ',')) {
    if (trim(host).empty()) continue;
    url.hosts.push_back(parse_host_port(trim(host), default_port));
  }
  if (url.hosts.empty()) throw std::invalid_argument("no host");
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
  if (unit.empty() || unit == "s") factor = 1000;
  else if (unit == "ms") factor = 1;
  else if (unit == "m") factor = 60'000;
  else if (unit == "h") factor = 3'600'000;
  else if (unit == "d") factor = 86'400'000;
  else return std::nullopt;
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
