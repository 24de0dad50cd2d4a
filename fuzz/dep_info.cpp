// rustc's dep-info files (rustc/dep_info.hpp): written by rustc, also restored from cache entries.
#include <cstddef>
#include <cstdint>
#include <set>

#include "fuzz_support.hpp"
#include "rustc/dep_info.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const rustc::DepInfo info = rustc::parse_dep_info(fuzz::as_text(data, size));
  // Sources come without duplicates, and no output is also a source.
  const std::set<std::string> sources(info.sources.begin(), info.sources.end());
  FUZZ_CHECK(sources.size() == info.sources.size());
  for (const auto& target : info.targets) FUZZ_CHECK(!sources.contains(target));
  for (const auto& source : info.sources) FUZZ_CHECK(!source.empty());
  return 0;
}
