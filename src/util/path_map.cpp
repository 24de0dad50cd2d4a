#include "util/path_map.hpp"

#include <algorithm>
#include <cctype>

namespace larder {

namespace {

bool continues_name(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '+' || c == '~' ||
         (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

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
