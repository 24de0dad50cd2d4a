#include "aws/ini_file.hpp"

#include "util/files.hpp"
#include "util/strings.hpp"

namespace larder::aws {

IniSections parse_ini(std::string_view text) {
  IniSections sections;
  std::string current;
  for (const auto& raw : split(text, '\n')) {
    const std::string_view line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      // "[profile  ci]" and "[ ci ]": inner whitespace is not significant.
      std::string name;
      for (const auto& word : split(line.substr(1, line.size() - 2), ' ')) {
        if (word.empty()) continue;
        if (!name.empty()) name += " ";
        name += word;
      }
      current = name;
      sections[current];
      continue;
    }
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || current.empty()) continue;
    sections[current][to_lower(trim(line.substr(0, eq)))] = std::string(trim(line.substr(eq + 1)));
  }
  return sections;
}

std::optional<IniSections> read_ini_file(const std::filesystem::path& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  return parse_ini(*text);
}

}  // namespace larder::aws
