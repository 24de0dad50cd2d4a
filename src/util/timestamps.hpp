#pragma once
// Points in time given by users on the command line.
#include <cstdint>
#include <optional>
#include <string_view>

namespace larder {

// Unix time in nanoseconds from Unix seconds ("1767225600", "1767225600.25") or an RFC 3339
// date-time ("2026-01-01T00:00:00Z", "2026-01-01T01:00:00.5+01:00"); nullopt when it is
// neither.
std::optional<int64_t> parse_time_ns(std::string_view text);

}  // namespace larder
