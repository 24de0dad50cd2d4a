// The Make-syntax depfiles GCC and Clang write (cc/depfile.hpp): from the compiler, and
// restored from cache entries.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "cc/depfile.hpp"
#include "fuzz_support.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto deps = cc::parse_depfile(fuzz::as_text(data, size));
  if (!deps) return 0;
  // Names come without duplicates, and none is empty or holds a line break.
  const std::set<std::string> prerequisites(deps->prerequisites.begin(), deps->prerequisites.end());
  FUZZ_CHECK(prerequisites.size() == deps->prerequisites.size());
  const std::set<std::string> targets(deps->targets.begin(), deps->targets.end());
  FUZZ_CHECK(targets.size() == deps->targets.size());
  bool renderable = true;
  for (const auto& name : deps->prerequisites) {
    FUZZ_CHECK(!name.empty() && name.find_first_of("\n\r") == std::string::npos);
    renderable = renderable && name.back() != '\\';
  }
  // What is written again reads back the same (a name ending in a backslash cannot be written).
  if (renderable) {
    const auto again = cc::parse_depfile(cc::render_depfile({"t"}, deps->prerequisites, true));
    FUZZ_CHECK(again.has_value() && again->prerequisites == deps->prerequisites);
  }
  return 0;
}
