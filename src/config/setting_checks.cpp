#include "config/setting_checks.hpp"

#include <algorithm>

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

// Fine, or what is wrong with the value.
Expected<void> check_one(const SettingSpec& spec, const SettingValue& setting) {
  const std::string& value = *setting.value;
  switch (spec.kind) {
    case SettingKind::Flag:
      if (parse_flag(value)) return {};
      return unexpected(quoted(setting) +
                        " is not a boolean: set 1 (or true, yes, on) or 0 (or false, no, off); using " +
                        (parse_flag(spec.default_value ? spec.default_value : "").value_or(false) ? "1" : "0"));
    case SettingKind::Size:
      if (auto size = parse_size(value); size && *size > 0) return {};
      return unexpected(quoted(setting) +
                        " is not a size above zero: set a size such as 10G or 500M (K, M, G, T; bytes "
                        "without a unit); using " +
                        spec.default_value);
    case SettingKind::LogLevel: {
      static const std::vector<std::string_view> levels = {"off", "error", "warn", "warning", "info", "debug", "trace"};
      const std::string level = to_lower(trim(value));
      if (level.empty() || std::find(levels.begin(), levels.end(), level) != levels.end()) return {};
      return unexpected(quoted(setting) +
                        " is not a log level: set off, error, warn, info, debug or trace; using warn");
    }
    case SettingKind::AbsolutePath:
      if (value.empty() || value.front() == '/') return {};
      return unexpected(quoted(setting) +
                        " is a relative path, which each wrapper would take from the folder cargo runs it "
                        "in: set an absolute path");
    case SettingKind::Bucket:
      if (value.find('/') == std::string::npos) return {};
      return unexpected(quoted(setting) +
                        " is not a bucket name: set the name alone (my-bucket), the endpoint in "
                        "LARDER_ENDPOINT and a folder in LARDER_S3_KEY_PREFIX");
    case SettingKind::HttpUrl: {
      if (value.empty()) return {};
      // A bare host:port means https, as the S3 tier reads it.
      const std::string url = value.find("://") == std::string::npos ? "https://" + value : value;
      if (auto checked = check_url(url, {"http", "https"}); !checked) {
        return unexpected(quoted(setting) + " " + checked.error());
      }
      return {};
    }
    case SettingKind::RemoteUrls: {
      std::string problems;
      for (const auto& url : storage::split_remote_urls(value)) {
        if (auto checked = check_url(url, kRemoteSchemes); !checked) {
          problems += (problems.empty() ? "" : "; ") + std::string("'") + mask_secret(setting.name, url) + "' " +
                      checked.error();
        }
      }
      if (problems.empty()) return {};
      return unexpected(setting.name + ": " + problems);
    }
    case SettingKind::Text:
      break;
  }
  return {};
}

}  // namespace

Expected<void> check_url(std::string_view url, const std::vector<std::string_view>& schemes) {
  const std::string text(trim(url));
  const size_t separator = text.find("://");
  if (separator == std::string::npos || separator == 0) {
    return unexpected("is not a URL: write " + std::string(kUrlForm) + ", with a scheme among " + join(schemes, "://"));
  }
  const std::string scheme = to_lower(text.substr(0, separator));
  if (std::find(schemes.begin(), schemes.end(), scheme) == schemes.end()) {
    return unexpected("has an unknown scheme '" + scheme + "://': use " + join(schemes, "://"));
  }
  // What the storages will make of it (libcurl, one host at a time); the default port does not matter.
  if (auto parsed = storage::RemoteUrl::parse(text, 1); !parsed) {
    return unexpected("is " + parsed.error() + ": write " + std::string(kUrlForm));
  }
  return {};
}

std::vector<std::string> check_setting_values(const std::vector<SettingValue>& values) {
  std::vector<std::string> problems;
  for (const auto& setting : values) {
    const SettingSpec* spec = find_setting(setting.name);
    if (spec == nullptr || !setting.value) continue;
    if (auto checked = check_one(*spec, setting); !checked) problems.push_back(std::move(checked).error());
  }
  return problems;
}

}  // namespace larder
