#include <iostream>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "storage/local/local_storage.hpp"
#include "util/strings.hpp"

namespace larder::cli {

int cache_command(const std::string& action) {
  const Settings settings = Settings::load();
  storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
  if (action == "clear") {
    local.clear();
    std::cout << "local cache cleared: " << settings.cache_dir().string() << "\n";
    return 0;
  }
  const auto usage = local.trim();
  std::cout << "local cache: " << usage.files << " files, " << format_size(usage.bytes) << " of "
            << format_size(settings.cache_size_bytes()) << "\n";
  return 0;
}

}  // namespace larder::cli
