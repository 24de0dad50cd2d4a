#include "util/strings.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace larder {

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(separator, start);
    parts.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<uint64_t> parse_size(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.')) {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  double number = 0;
  try {
    number = std::stod(std::string(text.substr(0, digits)));
  } catch (...) {
    return std::nullopt;
  }
  std::string unit = to_lower(trim(text.substr(digits)));
  if (unit.ends_with("ib"))
    unit.erase(unit.size() - 2);
  else if (unit.size() > 1 && unit.back() == 'b')
    unit.pop_back();
  double multiplier = 1;
  if (unit.empty())
    multiplier = 1;
  else if (unit == "k")
    multiplier = 1024.0;
  else if (unit == "m")
    multiplier = 1024.0 * 1024;
  else if (unit == "g")
    multiplier = 1024.0 * 1024 * 1024;
  else if (unit == "t")
    multiplier = 1024.0 * 1024 * 1024 * 1024;
  else
    return std::nullopt;
  return static_cast<uint64_t>(std::llround(number * multiplier));
}

std::string format_size(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  if (unit == 0)
    std::snprintf(buffer, sizeof buffer, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buffer, sizeof buffer, "%.1f %s", value, kUnits[unit]);
  return buffer;
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

bool is_truthy(std::string_view text) {
  const std::string value = to_lower(trim(text));
  return value == "1" || value == "true" || value == "yes" || value == "on";
}

std::string markdown_as_plain_text(std::string_view markdown) {
  std::string text;
  for (size_t i = 0; i < markdown.size(); ++i) {
    if (markdown[i] == '`') continue;
    if (markdown[i] == ']' && i + 1 < markdown.size() && markdown[i + 1] == '(') {
      i = markdown.find(')', i);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (markdown[i] != '[') text += markdown[i];
  }
  return text;
}

}  // namespace larder
