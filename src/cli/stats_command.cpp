#include <iostream>

#include "cache/stats.hpp"
#include "cli/commands.hpp"
#include "cli/stats_format.hpp"
#include "config/settings.hpp"
#include "explain/build_log.hpp"
#include "explain/call_recorder.hpp"

namespace larder::cli {

int stats_command(const std::string& format, bool reset) {
  const Settings settings = Settings::load();
  const cache::StatsStore store(settings.cache_dir() / "stats");
  // Build logs follow the counters (the markdown's slowest misses cover the same span); the
  // key records stay, so the next miss can still be compared with what came before.
  const explain::BuildLog builds(explain::explain_dir(settings.cache_dir()) / "builds");
  if (reset) {
    store.reset();
    builds.clear();
    if (format == "text") {
      std::cout << "statistics reset\n";
      return 0;
    }
  }
  const auto stats = store.total();
  if (format == "json")
    std::cout << stats_as_json(stats);
  else if (format == "markdown")
    std::cout << stats_as_markdown(stats, builds.read_all());
  else if (format == "openmetrics")
    std::cout << stats_as_openmetrics(stats);
  else
    std::cout << stats_as_text(stats);
  return 0;
}

}  // namespace larder::cli
