#include "util/environment.hpp"

#include <unistd.h>

#include <cstdlib>

namespace larder {

std::optional<std::string> env_value(std::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::vector<std::pair<std::string, std::string>> environment_list() {
  std::vector<std::pair<std::string, std::string>> list;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    list.emplace_back(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return list;
}

}  // namespace larder
