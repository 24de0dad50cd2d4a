// The container of every cache object (cache/object_codec.hpp): bytes from any storage tier.
// Whatever they are, decoding returns a payload of the declared size or throws CorruptData.
#include <cstddef>
#include <cstdint>

#include "cache/object_codec.hpp"
#include "fuzz_support.hpp"
#include "util/binary_io.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view blob = fuzz::as_text(data, size);
  for (const auto type : {cache::ObjectType::Entry, cache::ObjectType::Manifest}) {
    try {
      const ByteBuffer payload = cache::decode_object(type, blob);
      // What decodes encodes back to an object that decodes to the same payload.
      const std::string again = cache::encode_object(type, payload.view());
      FUZZ_CHECK(cache::decode_object(type, again).view() == payload.view());
    } catch (const CorruptData&) {}
  }
  return 0;
}
