#include <iostream>

#include "cli/commands.hpp"
#include "cli/explain_format.hpp"
#include "config/settings.hpp"
#include "explain/build_log.hpp"
#include "explain/call_recorder.hpp"

namespace larder::cli {

int explain_command(const std::optional<std::string>& crate, const std::string& format) {
  const Settings settings = Settings::load();
  const explain::BuildLog log(explain::explain_dir(settings.cache_dir()) / "builds");
  const auto builds = log.read_all();
  if (builds.empty()) {
    std::cout << (format == "json" ? "{}\n"
                                   : "No build recorded since the last `larder stats --reset`: run a cargo build "
                                     "with RUSTC_WRAPPER=larder first.\n");
    return 0;
  }
  std::cout << (format == "json" ? explain_as_json(builds.front(), crate) : explain_as_text(builds.front(), crate));
  return 0;
}

}  // namespace larder::cli
