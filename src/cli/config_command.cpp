#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "config/settings.hpp"

namespace larder::cli {

int config_command() {
  const Settings settings = Settings::load();
  std::cout << "config file: " << (settings.config_file() ? settings.config_file()->string() : std::string("(none)"))
            << "\n";
  for (const auto& value : settings.all()) {
    std::string shown = value.value ? *value.value : "(unset)";
    if (value.value && value.secret) shown = mask_secret(value.name, *value.value);
    if (value.name == "LARDER_DIR" && !value.value) shown = settings.cache_dir().string();
    char line[512];
    std::snprintf(line, sizeof line, "%-26s %-40s %s\n", value.name.c_str(), shown.c_str(), value.source.c_str());
    std::cout << line;
  }
  for (const auto& problem : settings.problems()) std::cout << "problem: " << problem << "\n";
  return settings.problems().empty() ? 0 : 1;
}

}  // namespace larder::cli
