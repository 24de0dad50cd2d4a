#include "rustc/dep_info.hpp"

#include <set>

#include "util/strings.hpp"

namespace larder::rustc {

namespace {

// Splits "a\ b c" into {"a b", "c"}: rustc escapes spaces in file names with a backslash.
std::vector<std::string> split_paths(std::string_view text) {
  std::vector<std::string> paths;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == ' ') {
      current.push_back(' ');
      ++i;
    } else if (c == ' ' || c == '\t') {
      if (!current.empty()) paths.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) paths.push_back(std::move(current));
  return paths;
}

// The colon that separates target from prerequisites: the first one followed by a space or
// the end of the line and not escaped.
size_t rule_colon(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
      continue;
    }
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ')) return i;
  }
  return std::string_view::npos;
}

// rustc escapes env-dep values: "\n" -> "\\n", "\r" -> "\\r", "\\" -> "\\\\".
std::string unescape_env_value(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[i + 1];
      if (next == 'n') {
        out.push_back('\n');
        ++i;
        continue;
      }
      if (next == 'r') {
        out.push_back('\r');
        ++i;
        continue;
      }
      if (next == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace

DepInfo parse_dep_info(std::string_view text) {
  DepInfo info;
  std::set<std::string> seen_sources;
  std::set<std::string> targets;
  std::string logical;
  auto lines = split(text, '\n');
  for (size_t index = 0; index < lines.size(); ++index) {
    std::string line = lines[index];
    // Join continuation lines ("\" at the end).
    while (!line.empty() && line.back() == '\\' && index + 1 < lines.size()) {
      line.pop_back();
      line += " " + lines[++index];
    }
    std::string_view view = line;
    constexpr std::string_view kEnvDep = "# env-dep:";
    if (view.starts_with(kEnvDep)) {
      view.remove_prefix(kEnvDep.size());
      EnvDep dep;
      const size_t eq = view.find('=');
      dep.name = std::string(view.substr(0, eq));
      if (eq != std::string_view::npos) dep.value = unescape_env_value(view.substr(eq + 1));
      info.env_deps.push_back(std::move(dep));
      continue;
    }
    if (trim(view).empty() || view.starts_with("#")) continue;
    const size_t colon = rule_colon(view);
    if (colon == std::string_view::npos) continue;
    for (auto& target : split_paths(view.substr(0, colon))) {
      if (targets.insert(target).second) info.targets.push_back(target);
    }
    for (auto& source : split_paths(view.substr(colon + 1))) {
      if (seen_sources.insert(source).second) info.sources.push_back(source);
    }
  }
  // Rules like "src/lib.rs:" list the sources as targets too; the outputs are the targets
  // that are not also sources.
  std::vector<std::string> outputs;
  for (const auto& target : info.targets) {
    if (!seen_sources.contains(target)) outputs.push_back(target);
  }
  info.targets = std::move(outputs);
  return info;
}

}  // namespace larder::rustc
