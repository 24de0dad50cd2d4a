#pragma once
// The wrapper's lookup-compile-store flow for one rustc call.
#include <string>
#include <vector>

namespace larder::cache {

// `command` is the compiler followed by its arguments, as cargo passed them to the wrapper.
// Never returns: exits (or re-raises a signal) exactly as rustc did, or as the cached rustc
// call did on a hit.
[[noreturn]] void run_wrapper(const std::vector<std::string>& command);

}  // namespace larder::cache
