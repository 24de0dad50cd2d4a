// A manifest object as a remote stores it (cache/manifest_bundle.hpp): a plain manifest, or a
// bundle carrying the newest result's entry. checked_objects returns what the local tier would
// keep of it or throws CorruptData; what it returns lies inside the input, and a carried entry
// is named by its own bytes and decodes.
#include <cstddef>
#include <cstdint>

#include "cache/entry.hpp"
#include "cache/object_checks.hpp"
#include "fuzz_support.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

using namespace larder;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The call key the seeds' manifests were made under (fuzz/tools/write_seeds.cpp).
  static const std::string name = sha256_hex("fuzz call key") + ".manifest";
  const std::string_view blob = fuzz::as_text(data, size);
  std::vector<cache::NamedObject> objects;
  try {
    objects = cache::checked_objects(name, blob);
  } catch (const CorruptData&) {
    return 0;
  }
  FUZZ_CHECK(!objects.empty() && objects.size() <= 2 && objects[0].name == name);
  for (const auto& object : objects) {
    FUZZ_CHECK(object.blob.data() >= blob.data() &&
               object.blob.data() + object.blob.size() <= blob.data() + blob.size());
  }
  if (objects.size() == 2) {
    FUZZ_CHECK(objects[1].name == sha256_hex(objects[1].blob) + ".entry");
    (void)cache::deserialize_entry(objects[1].blob);  // must not throw: checked_objects decoded it
  }
  return 0;
}
