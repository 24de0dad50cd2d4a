#include "util/timestamps.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <ctime>

namespace larder {

namespace {

constexpr int64_t kNsPerSecond = 1000000000;

// Reads exactly `digits` decimal digits at `at`.
std::optional<int> fixed_number(std::string_view text, size_t at, size_t digits) {
  if (at + digits > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = at; i < at + digits; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// ".25" -> 250000000 ns; at most nanosecond precision is kept, further digits are ignored.
std::optional<int64_t> fraction_ns(std::string_view digits) {
  if (digits.empty()) return std::nullopt;
  int64_t ns = 0;
  int64_t scale = kNsPerSecond / 10;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    ns += (c - '0') * scale;
    scale /= 10;
  }
  return ns;
}

std::optional<int64_t> parse_unix_seconds(std::string_view text) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  int64_t seconds = 0;
  const auto [end, error] = std::from_chars(whole.data(), whole.data() + whole.size(), seconds);
  if (error != std::errc() || end != whole.data() + whole.size() || whole.empty() || seconds < 0 ||
      seconds > INT64_MAX / kNsPerSecond - 1) {
    return std::nullopt;
  }
  int64_t ns = 0;
  if (dot != std::string_view::npos) {
    const auto fraction = fraction_ns(text.substr(dot + 1));
    if (!fraction) return std::nullopt;
    ns = *fraction;
  }
  return seconds * kNsPerSecond + ns;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap(year) ? 29 : kDays[month - 1];
}

// RFC 3339 section 5.6: full-date "T" full-time, with "t", "z" and a space allowed too.
std::optional<int64_t> parse_rfc3339(std::string_view text) {
  const auto year = fixed_number(text, 0, 4), month = fixed_number(text, 5, 2), day = fixed_number(text, 8, 2);
  const auto hour = fixed_number(text, 11, 2), minute = fixed_number(text, 14, 2), second = fixed_number(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second || text.size() < 20) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month) || *hour > 23 || *minute > 59 ||
      *second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  int64_t ns = 0;
  if (text[at] == '.') {
    const size_t end = text.find_first_not_of("0123456789", at + 1);
    const auto fraction =
        fraction_ns(text.substr(at + 1, end == std::string_view::npos ? std::string_view::npos : end - at - 1));
    if (!fraction || end == std::string_view::npos) return std::nullopt;
    ns = *fraction;
    at = end;
  }
  int64_t offset_seconds = 0;
  const std::string_view zone = text.substr(at);
  if (zone != "Z" && zone != "z") {
    const auto offset_hour = fixed_number(zone, 1, 2), offset_minute = fixed_number(zone, 4, 2);
    if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':' || !offset_hour || !offset_minute ||
        *offset_hour > 23 || *offset_minute > 59) {
      return std::nullopt;
    }
    offset_seconds = (*offset_hour * 3600 + *offset_minute * 60) * (zone[0] == '+' ? 1 : -1);
  }
  std::tm fields{};
  fields.tm_year = *year - 1900;
  fields.tm_mon = *month - 1;
  fields.tm_mday = *day;
  fields.tm_hour = *hour;
  fields.tm_min = *minute;
  fields.tm_sec = std::min(*second, 59);  // a leap second counts as the second before it
  const int64_t seconds = static_cast<int64_t>(::timegm(&fields)) - offset_seconds;
  if (seconds < 0 || seconds > INT64_MAX / kNsPerSecond - 1) return std::nullopt;  // before 1970 or after 2262
  return seconds * kNsPerSecond + ns;
}

}  // namespace

std::optional<int64_t> parse_time_ns(std::string_view text) {
  if (text.find_first_not_of("0123456789.") == std::string_view::npos) return parse_unix_seconds(text);
  return parse_rfc3339(text);
}

}  // namespace larder
