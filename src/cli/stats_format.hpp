#pragma once
// Renders the stats for people (text table, Markdown for CI job summaries) and machines (JSON,
// OpenMetrics for CI metrics reports).
#include <string>

#include "cache/stats.hpp"

namespace larder::cli {

std::string stats_as_text(const cache::StatsCounters& stats);
std::string stats_as_json(const cache::StatsCounters& stats);
std::string stats_as_markdown(const cache::StatsCounters& stats);
std::string stats_as_openmetrics(const cache::StatsCounters& stats);

}  // namespace larder::cli
