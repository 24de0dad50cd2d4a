#pragma once
// The wrapper's lookup-compile-store flow for one compiler call of any family (compiler/call.hpp).
#include <filesystem>

#include "cache/stats.hpp"
#include "compiler/call.hpp"
#include "config/settings.hpp"
#include "util/process.hpp"

namespace larder::wrapper {

// Serves the call from the cache (restoring its outputs and replaying its diagnostics) or runs
// the compiler and stores what it made; adds the call's counts to `stats`. Returns how the call
// ends: the replayed result of a hit, or the compiler's own. A cache fault never changes it.
ProcessResult run_cached_call(const Settings& settings, compiler::Call& call, const std::filesystem::path& cwd,
                              cache::StatsCounters& stats);

// Where the markers of warn_once() live: a settings problem is the same for every wrapper of a
// build, so it is reported once per build.
std::filesystem::path warning_markers(const Settings& settings);

}  // namespace larder::wrapper
