#pragma once
// spdlog set-up from LARDER_LOG and LARDER_LOG_FILE. Messages carry a "larder" prefix so they
// stand out among rustc's diagnostics.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace larder {

// An unknown level means warn (Settings reports it). A log file that cannot be opened or
// written means logging to stderr, with one warning per build that says so (see warn_once).
void init_logging(const std::optional<std::string>& level, const std::optional<std::string>& file,
                  const std::filesystem::path& marker_dir, std::string_view build_id);

// Logs `message` as a warning unless another process of the same build (`build_id`: cargo's
// process and its start time) logged it already: the first one creates a marker named after
// both in `marker_dir` with O_EXCL. Every cargo build runs many wrappers that read the same
// settings; one warning is enough. When the marker cannot be made (an unwritable folder, a full
// disk) the warning is logged all the same: a warning too many beats none.
void warn_once(const std::filesystem::path& marker_dir, std::string_view build_id, const std::string& message);

}  // namespace larder
