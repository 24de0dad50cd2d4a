#include <iostream>

#include "cache/stats.hpp"
#include "cli/commands.hpp"
#include "cli/stats_format.hpp"
#include "config/settings.hpp"

namespace larder::cli {

int stats_command(const std::string& format, bool reset) {
  const Settings settings = Settings::load();
  const cache::StatsStore store(settings.cache_dir() / "stats");
  if (reset) {
    store.reset();
    if (format == "text") {
      std::cout << "statistics reset\n";
      return 0;
    }
  }
  const auto stats = store.total();
  if (format == "json") std::cout << stats_as_json(stats);
  else if (format == "markdown") std::cout << stats_as_markdown(stats);
  else if (format == "openmetrics") std::cout << stats_as_openmetrics(stats);
  else std::cout << stats_as_text(stats);
  return 0;
}

}  // namespace larder::cli
