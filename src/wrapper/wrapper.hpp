#pragma once
// Wrapper mode: `larder COMPILER ARGS…` as a build system runs it. Picks the compiler family
// (rustc, possibly behind a workspace wrapper such as clippy-driver; a C or C++ compiler),
// classifies the call, and runs it through the cache or straight through.
#include <string>
#include <vector>

namespace larder::wrapper {

// `command` is the compiler followed by its arguments, as the build system passed them.
// Never returns: exits (or re-raises a signal) exactly as the compiler did, or as the cached
// call did on a hit.
[[noreturn]] void run(const std::vector<std::string>& command);

}  // namespace larder::wrapper
