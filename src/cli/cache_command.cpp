#include <iostream>

#include "cli/commands.hpp"
#include "config/settings.hpp"
#include "storage/local/local_storage.hpp"
#include "util/strings.hpp"
#include "util/timestamps.hpp"

namespace larder::cli {

namespace {

std::string describe(const storage::LocalUsage& usage) {
  return std::to_string(usage.files) + " objects (" + format_size(usage.bytes) + ")";
}

}  // namespace

int cache_command(const std::string& action, const std::optional<std::string>& unused_since) {
  const Settings settings = Settings::load();
  storage::LocalStorage local(settings.cache_dir(), settings.cache_size_bytes());
  if (action == "clear") {
    if (unused_since) {
      std::cerr << "larder: --unused-since applies to `larder cache trim`, not to `clear`\n";
      return 2;
    }
    local.clear();
    std::cout << "local cache cleared: " << settings.cache_dir().string() << "\n";
    return 0;
  }
  std::optional<int64_t> since_ns;
  if (unused_since) {
    since_ns = parse_time_ns(*unused_since);
    if (!since_ns) {
      std::cerr << "larder: --unused-since '" << *unused_since << "'"
                << ": not a time; give Unix seconds (e.g. the output of `date +%s` at the job's start) or an RFC 3339 "
                   "date-time such as 2026-01-31T12:00:00Z\n";
      return 2;
    }
  }
  const auto report = local.trim(since_ns);
  std::cout << "local cache " << settings.cache_dir().string() << ": removed " << describe(report.removed)
            << (since_ns ? " unused since " + *unused_since + " or over the limit" : " over the limit") << ", kept "
            << describe(report.kept) << " of " << format_size(settings.cache_size_bytes()) << "\n";
  return 0;
}

}  // namespace larder::cli
