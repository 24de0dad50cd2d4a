#pragma once
// Renders one build's misses, not-cached calls and failures with their reasons, for
// `larder explain`.
#include <optional>
#include <string>

#include "cache/build_log.hpp"

namespace larder::cli {

// `crate` limits the report to one crate; nullopt reports every crate of the build.
std::string explain_as_text(const cache::BuildRecord& build, const std::optional<std::string>& crate);
std::string explain_as_json(const cache::BuildRecord& build, const std::optional<std::string>& crate);

}  // namespace larder::cli
