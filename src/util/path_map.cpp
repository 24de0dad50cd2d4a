#include "util/path_map.hpp"

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace larder {

namespace {

bool continues_name(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '+' || c == '~' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

std::filesystem::path absolute_normal(const std::filesystem::path& path, const std::filesystem::path& cwd) {
  std::filesystem::path result = path.is_absolute() ? path : cwd / path;
  std::string text = result.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

std::optional<PathMap> base_dirs_from_setting(const std::optional<std::string>& setting,
                                              const std::filesystem::path& cwd) {
  if (!setting) return std::nullopt;
  const std::string text(trim(*setting));
  if (text == "none" || text == "0" || text.empty()) return PathMap();
  std::vector<BaseDir> dirs;
  int index = 0;
  for (auto& item : split(replace_all(text, ",", ":"), ':')) {
    if (trim(item).empty()) continue;
    dirs.push_back({"{base" + std::to_string(index++) + "}", absolute_normal(std::string(trim(item)), cwd).string()});
  }
  return PathMap(std::move(dirs));
}

std::filesystem::path cargo_home_folder(const std::optional<std::string>& cargo_home,
                                        const std::optional<std::string>& home, const std::filesystem::path& cwd) {
  if (cargo_home && !cargo_home->empty()) return absolute_normal(*cargo_home, cwd);
  if (home && !home->empty()) return absolute_normal(std::filesystem::path(*home) / ".cargo", cwd);
  return {};
}

std::string remap_replacement(std::string_view marker) {
  if (marker == "{workspace}" || marker == "{package}") return ".";
  if (marker == "{cargo_home}") return "cargo-home";
  return std::string(marker.substr(1, marker.size() - 2));
}

PathMap::PathMap(std::vector<BaseDir> dirs) {
  for (auto& dir : dirs) {
    while (dir.path.size() > 1 && dir.path.back() == '/') dir.path.pop_back();
    if (dir.path.size() <= 1 || dir.marker.empty()) continue;
    const bool seen = std::any_of(dirs_.begin(), dirs_.end(),
                                  [&](const BaseDir& d) { return d.path == dir.path || d.marker == dir.marker; });
    if (!seen) dirs_.push_back(std::move(dir));
  }
  std::sort(dirs_.begin(), dirs_.end(), [](const BaseDir& a, const BaseDir& b) { return a.marker < b.marker; });
  by_length_ = dirs_;
  // Equal lengths cannot match at the same place unless equal, and equal paths were dropped.
  std::stable_sort(by_length_.begin(), by_length_.end(),
                   [](const BaseDir& a, const BaseDir& b) { return a.path.size() > b.path.size(); });
}

std::string replace_path_prefix(std::string_view text, std::string_view from, std::string_view to) {
  if (from.empty()) return std::string(text);
  std::string out;
  size_t pos = 0;
  while (true) {
    const size_t found = text.find(from, pos);
    if (found == std::string_view::npos) break;
    const size_t end = found + from.size();
    const bool starts_ok = found == 0 || !(continues_name(text[found - 1]) || text[found - 1] == '/');
    const bool ends_ok = end == text.size() || !continues_name(text[end]);
    out.append(text.substr(pos, found - pos));
    if (starts_ok && ends_ok) {
      out.append(to);
    } else {
      out.append(from);
    }
    pos = end;
  }
  out.append(text.substr(pos));
  return out;
}

std::string PathMap::to_portable(std::string_view text) const {
  std::string out(text);
  for (const auto& dir : by_length_) {
    if (out.find(dir.path) != std::string::npos) out = replace_path_prefix(out, dir.path, dir.marker);
  }
  return out;
}

std::string PathMap::to_local(std::string_view text) const {
  std::string out(text);
  for (const auto& dir : dirs_) {
    if (out.find(dir.marker) != std::string::npos) out = replace_path_prefix(out, dir.marker, dir.path);
  }
  return out;
}

std::string PathMap::path_of(std::string_view marker) const {
  for (const auto& dir : dirs_) {
    if (dir.marker == marker) return dir.path;
  }
  return {};
}

}  // namespace larder
