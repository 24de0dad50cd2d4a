#include "config/setting_checks.hpp"

#include <algorithm>
#include <stdexcept>

#include "storage/remote/remote_url.hpp"
#include "util/strings.hpp"

namespace larder {

namespace {

constexpr std::string_view kUrlForm = "scheme://host[:port][/path], with an IPv6 address in brackets";

// LARDER_REMOTE's backends, as storage/factory picks them.
const std::vector<std::string_view> kRemoteSchemes = {"redis", "rediss", "memcached", "http", "https", "azblob"};

std::string join(const std::vector<std::string_view>& words, std::string_view suffix) {
  std::string text;
  for (const auto& word : words) text += (text.empty() ? "" : ", ") + std::string(word) + std::string(suffix);
  return text;
}

std::string quoted(const SettingValue& setting) {
  const std::string shown = setting.secret ? mask_secret(setting.name, *setting.value) : *setting.value;
  return setting.name + "='" + shown + "'";
}

std::optional<std::string> check_one(const SettingSpec& spec, const SettingValue& setting) {
  const std::string& value = *setting.value;
  switch (spec.kind) {
    case SettingKind::Flag:
      if (parse_flag(value)) return std::nullopt;
      return quoted(setting) + " is not a boolean: set 1 (or true, yes, on) or 0 (or false, no, off); using " +
             (parse_flag(spec.default_value ? spec.default_value : "").value_or(false) ? "1" : "0");
    case SettingKind::Size:
      if (auto size = parse_size(value); size && *size > 0) return std::nullopt;
      return quoted(setting) +
             " is not a size above zero: set a size such as 10G or 500M (K, M, G, T; bytes "
             "without a unit); using " +
             spec.default_value;
    case SettingKind::LogLevel: {
      static const std::vector<std::string_view> levels = {"off", "error", "warn", "warning", "info", "debug", "trace"};
      const std::string level = to_lower(trim(value));
      if (level.empty() || std::find(levels.begin(), levels.end(), level) != levels.end()) return std::nullopt;
      return quoted(setting) + " is not a log level: set off, error, warn, info, debug or trace; using warn";
    }
    case SettingKind::AbsolutePath:
      if (value.empty() || value.front() == '/') return std::nullopt;
      return quoted(setting) +
             " is a relative path, which each wrapper would take from the folder cargo runs it "
             "in: set an absolute path";
    case SettingKind::Bucket:
      if (value.find('/') == std::string::npos) return std::nullopt;
      return quoted(setting) +
             " is not a bucket name: set the name alone (my-bucket), the endpoint in "
             "LARDER_ENDPOINT and a folder in LARDER_S3_KEY_PREFIX";
    case SettingKind::HttpUrl: {
      if (value.empty()) return std::nullopt;
      // A bare host:port means https, as the S3 tier reads it.
      const std::string url = value.find("://") == std::string::npos ? "https://" + value : value;
      if (auto problem = url_problem(url, {"http", "https"})) return quoted(setting) + " " + *problem;
      return std::nullopt;
    }
    case SettingKind::RemoteUrls: {
      std::string problems;
      for (const auto& url : storage::split_remote_urls(value)) {
        if (auto problem = url_problem(url, kRemoteSchemes)) {
          problems +=
              (problems.empty() ? "" : "; ") + std::string("'") + mask_secret(setting.name, url) + "' " + *problem;
        }
      }
      if (problems.empty()) return std::nullopt;
      return setting.name + ": " + problems;
    }
    case SettingKind::Text:
      break;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> url_problem(std::string_view url, const std::vector<std::string_view>& schemes) {
  const std::string text(trim(url));
  const size_t separator = text.find("://");
  if (separator == std::string::npos || separator == 0) {
    return "is not a URL: write " + std::string(kUrlForm) + ", with a scheme among " + join(schemes, "://");
  }
  const std::string scheme = to_lower(text.substr(0, separator));
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
    return "has an unknown scheme '" + scheme + "://': use " + join(schemes, "://");
  }
  // What the storages will make of it (libcurl, one host at a time); the default port does not matter.
  try {
    (void)storage::RemoteUrl::parse(text, 1);
  } catch (const std::invalid_argument& error) {
    return "is " + std::string(error.what()) + ": write " + std::string(kUrlForm);
  }
  return std::nullopt;
}

std::vector<std::string> check_setting_values(const std::vector<SettingValue>& values) {
  std::vector<std::string> problems;
  for (const auto& setting : values) {
    const SettingSpec* spec = find_setting(setting.name);
    if (spec == nullptr || !setting.value) continue;
    if (auto problem = check_one(*spec, setting)) problems.push_back(*problem);
  }
  return problems;
}

}  // namespace larder
