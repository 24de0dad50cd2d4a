#pragma once
// Renders the stats for people (text table, Markdown for CI job summaries) and machines (JSON,
// OpenMetrics for CI metrics reports).
#include <string>
#include <vector>

#include "cache/stats.hpp"
#include "explain/build_log.hpp"

namespace larder::cli {

std::string stats_as_text(const cache::StatsCounters& stats);
std::string stats_as_json(const cache::StatsCounters& stats);
// `builds` (since the last reset) add the slowest misses with their reasons and the crates
// behind each not-cached reason.
std::string stats_as_markdown(const cache::StatsCounters& stats, const std::vector<explain::BuildRecord>& builds = {});
std::string stats_as_openmetrics(const cache::StatsCounters& stats);

}  // namespace larder::cli
