// An index object (cache/prefetch_index.hpp) as read from remote storage by `larder cache
// prefetch`: deserialize_index returns object names or throws CorruptData; every name it
// returns is a cache object's, and the list serializes back to the same list.
#include <cstddef>
#include <cstdint>

#include "cache/object_checks.hpp"
#include "cache/prefetch_index.hpp"
#include "fuzz_support.hpp"
#include "util/binary_io.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> names;
  try {
    names = cache::deserialize_index(fuzz::as_text(data, size));
  } catch (const CorruptData&) {
    return 0;
  }
  FUZZ_CHECK(names.size() <= cache::kMaxIndexObjects);
  for (const auto& name : names) FUZZ_CHECK(cache::is_object_name(name));
  FUZZ_CHECK(cache::deserialize_index(cache::serialize_index(names)) == names);
  return 0;
}
