#include "util/path_map.hpp"

#include <algorithm>
#include <cctype>

namespace larder {

namespace {

bool continues_name(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ||
         c == '+' || c == '~' || (static_cast<unsigned char>(c) >= 0x80);
}

}  // namespace

PathMap::PathMap(std::vector<BaseDir> dirs) : dirs_(std::move(dirs)) {
  for (auto& dir : dirs_) {
    while (dir.path.size() > 1 && dir.path.back() == '/') dir.path.pop_back();
  }
  std::erase_if(dirs_, [](const BaseDir& d) { return d.path.size() <= 1; });
  std::stable_sort(dirs_.begin(), dirs_.end(),
                   [](const BaseDir& a, const BaseDir& b) { return a.path.size() > b.path.size(); });
}

std::string replace_path_prefix(std::string_view text, std::string_view from, std::string_view to) {
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
  for (const auto& dir : dirs_) {
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
