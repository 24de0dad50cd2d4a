// A manifest (cache/manifest.hpp) as read from any storage tier: deserialize_manifest returns
// a manifest or throws CorruptData; what it returns serializes back to the same manifest.
#include <cstddef>
#include <cstdint>

#include "cache/manifest.hpp"
#include "fuzz_support.hpp"
#include "util/binary_io.hpp"

using namespace larder;

namespace {

bool same(const cache::ManifestResult& a, const cache::ManifestResult& b) {
  if (a.entry_key != b.entry_key || a.must_be_absent != b.must_be_absent) return false;
  if (a.sources.size() != b.sources.size() || a.env_deps.size() != b.env_deps.size() ||
      a.pinned_dirs.size() != b.pinned_dirs.size()) {
    return false;
  }
  for (size_t i = 0; i < a.sources.size(); ++i) {
    if (a.sources[i].path != b.sources[i].path || a.sources[i].hash != b.sources[i].hash) return false;
  }
  for (size_t i = 0; i < a.env_deps.size(); ++i) {
    if (a.env_deps[i].name != b.env_deps[i].name || a.env_deps[i].value_hash != b.env_deps[i].value_hash ||
        a.env_deps[i].portable != b.env_deps[i].portable) {
      return false;
    }
  }
  for (size_t i = 0; i < a.pinned_dirs.size(); ++i) {
    if (a.pinned_dirs[i].marker != b.pinned_dirs[i].marker || a.pinned_dirs[i].path != b.pinned_dirs[i].path)
      return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cache::Manifest manifest;
  try {
    manifest = cache::deserialize_manifest(fuzz::as_text(data, size));
  } catch (const CorruptData&) {
    return 0;
  }
  const cache::Manifest again = cache::deserialize_manifest(cache::serialize_manifest(manifest));
  FUZZ_CHECK(again.results.size() == manifest.results.size());
  for (size_t i = 0; i < manifest.results.size(); ++i) FUZZ_CHECK(same(again.results[i], manifest.results[i]));
  // Adding a result keeps the bound, whatever the stored manifest held.
  cache::Manifest grown = manifest;
  cache::add_result(grown, cache::ManifestResult{});
  FUZZ_CHECK(grown.results.size() <= cache::kMaxManifestResults);
  return 0;
}
