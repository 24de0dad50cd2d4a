#include "util/logging.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include "util/strings.hpp"

namespace larder {

void init_logging(const std::optional<std::string>& level, const std::optional<std::string>& file) {
  spdlog::level::level_enum parsed = spdlog::level::warn;
  bool unknown_level = false;
  if (level && !level->empty()) {
    const std::string name = to_lower(*level);
    if (name == "warning") parsed = spdlog::level::warn;
    else {
      parsed = spdlog::level::from_str(name);
      // from_str answers "off" for anything it does not know.
      unknown_level = parsed == spdlog::level::off && name != "off";
      if (unknown_level) parsed = spdlog::level::warn;
    }
  }
  std::shared_ptr<spdlog::logger> logger;
  if (file && !file->empty()) {
    try {
      logger = spdlog::basic_logger_mt("larder", *file);
      logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%P] [%l] %v");
    } catch (const spdlog::spdlog_ex& error) {
      logger.reset();
      spdlog::drop("larder");
      std::fprintf(stderr, "larder: warning: cannot open log file %s: %s\n", file->c_str(), error.what());
    }
  }
  if (!logger) {
    logger = spdlog::stderr_logger_mt("larder-stderr");
    logger->set_pattern("larder: %l: %v");
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  if (unknown_level) spdlog::warn("LARDER_LOG='{}' is not a level (off, error, warn, info, debug, trace); using warn", *level);
}

}  // namespace larder
