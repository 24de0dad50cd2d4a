#include "aws/environment.hpp"

#include <cstdio>
#include <ctime>

namespace larder::aws {

std::optional<std::string> env_value(const Env& env, std::string_view name) {
  auto value = env(name);
  if (!value || value->empty()) return std::nullopt;
  return value;
}

std::filesystem::path aws_home_file(const Env& env, std::string_view name) {
  const auto home = env_value(env, "HOME");
  return std::filesystem::path(home ? *home : "") / ".aws" / std::string(name);
}

std::string active_profile(const Env& env) {
  if (auto profile = env_value(env, "AWS_PROFILE")) return *profile;
  return "default";
}

std::optional<int64_t> parse_iso8601(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &consumed) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  int64_t seconds = timegm(&tm);
  std::string_view rest = text.substr(static_cast<size_t>(consumed));
  if (rest.starts_with('.')) {
    size_t digits = 1;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
    rest = rest.substr(digits);
  }
  if (rest.size() >= 6 && (rest[0] == '+' || rest[0] == '-')) {
    const int hours = (rest[1] - '0') * 10 + (rest[2] - '0');
    const int minutes = (rest[4] - '0') * 10 + (rest[5] - '0');
    const int64_t offset = hours * 3600 + minutes * 60;
    seconds += rest[0] == '+' ? -offset : offset;
  }
  return seconds;
}

}  // namespace larder::aws
