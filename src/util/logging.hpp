#pragma once
// spdlog set-up from LARDER_LOG and LARDER_LOG_FILE. Messages carry a "larder" prefix so they
// stand out among rustc's diagnostics.
#include <optional>
#include <string>

namespace larder {

void init_logging(const std::optional<std::string>& level, const std::optional<std::string>& file);

}  // namespace larder
