#pragma once
// Renders one build's misses, not-cached calls and failures with their reasons, for
// `larder explain`.
#include <optional>
#include <string>

#include "explain/build_log.hpp"

namespace larder::cli {

// `crate` limits the report to one crate; nullopt reports every crate of the build.
std::string explain_as_text(const explain::BuildRecord& build, const std::optional<std::string>& crate);
std::string explain_as_json(const explain::BuildRecord& build, const std::optional<std::string>& crate);

}  // namespace larder::cli
