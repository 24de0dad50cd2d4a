#pragma once
// A cache entry: everything needed to replay one successful rustc call.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/object_codec.hpp"

namespace larder::cache {

struct StoredOutput {
  std::string role;   // see rustc::ExpectedOutput
  uint32_t mode = 0644;
  std::string_view data;  // not copied: owned by Entry::payload, or by the caller storing it
  std::string hash;       // SHA-256 of data, so a restore can memoize it without reading it
};

struct Entry {
  int exit_code = 0;
  double compile_seconds = 0;
  std::string stdout_data;
  std::string stderr_data;
  std::vector<StoredOutput> outputs;
  // The base folders (marker, absolute path) in effect when the entry was made: text outputs
  // and diagnostics are rewritten to the restoring call's folders.
  std::vector<std::pair<std::string, std::string>> base_dirs;
  // The decoded object the outputs of a deserialized entry point into.
  ByteBuffer payload{0};
};

std::string serialize_entry(const Entry& entry);
// Throws CorruptData.
Entry deserialize_entry(std::string_view blob);

}  // namespace larder::cache
