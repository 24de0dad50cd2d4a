// A cache entry (cache/entry.hpp) as read from any storage tier: deserialize_entry returns an
// entry whose outputs lie inside its payload, or throws CorruptData; never anything else.
#include <cstddef>
#include <cstdint>

#include "cache/entry.hpp"
#include "fuzz_support.hpp"
#include "util/binary_io.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cache::Entry entry;
  try {
    entry = cache::deserialize_entry(fuzz::as_text(data, size));
  } catch (const CorruptData&) {
    return 0;
  }
  const std::string_view payload = entry.payload.view();
  for (const auto& output : entry.outputs) {
    FUZZ_CHECK(output.data.empty() || (output.data.data() >= payload.data() &&
                                       output.data.data() + output.data.size() <= payload.data() + payload.size()));
    FUZZ_CHECK(output.hash.size() == 64);
  }
  // An entry that decodes encodes to one that decodes to the same entry.
  const cache::Entry again = cache::deserialize_entry(cache::serialize_entry(entry));
  FUZZ_CHECK(again.exit_code == entry.exit_code);
  FUZZ_CHECK(again.stdout_data == entry.stdout_data && again.stderr_data == entry.stderr_data);
  FUZZ_CHECK(again.base_dirs == entry.base_dirs);
  FUZZ_CHECK(again.outputs.size() == entry.outputs.size());
  for (size_t i = 0; i < entry.outputs.size(); ++i) {
    FUZZ_CHECK(again.outputs[i].role == entry.outputs[i].role);
    FUZZ_CHECK(again.outputs[i].mode == entry.outputs[i].mode);
    FUZZ_CHECK(again.outputs[i].data == entry.outputs[i].data);
  }
  return 0;
}
