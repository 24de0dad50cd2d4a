#pragma once
// A cache entry: everything needed to replay one successful rustc call.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cache/object_codec.hpp"

namespace larder::cache {

struct StoredOutput {
  std::string role;  // see rustc::ExpectedOutput
  uint32_t mode = 0644;
  std::string_view data;  // not copied: owned by Entry::payload, or by the caller storing it
  std::string hash;       // SHA-256 of data, so a restore can memoize it without reading it
  // Set when the bytes lie verbatim inside another output's (an rlib holds its crate's
  // .rmeta): that output's index and the offset there. Such bytes are stored once.
  std::optional<uint32_t> inside;
  uint64_t offset = 0;
};

// Encoded as: exit code, compile time, stdout, stderr, base folders, then each output's role,
// mode, size, hash and place inside another output, then the bytes of the outputs that lie in
// no other, back to back.
struct Entry {
  int exit_code = 0;
  double compile_seconds = 0;
  std::string stdout_data;
  std::string stderr_data;
  std::vector<StoredOutput> outputs;
  // The base folders (marker, absolute path) in effect when the entry was made: text outputs
  // and diagnostics are rewritten to the restoring call's folders.
  std::vector<std::pair<std::string, std::string>> base_dirs;
  // The encoded payload the outputs point into (a deserialized or a loaded entry).
  ByteBuffer payload{0};
};

// One output of a compile, to be stored from its file (with the file's mode).
struct OutputFile {
  std::string role;
  std::filesystem::path path;
};

// Reads `files` into entry.payload, laid out as the entry's encoding lays them out (after room
// for everything else), and adds them to entry.outputs with their modes and hashes: serializing
// the entry then compresses them in place, with no copy of outputs that run to hundreds of MB.
// A file found verbatim inside a member of another (an ar archive, i.e. an rlib) is checked
// byte for byte and kept as a place in that one. Set every other field first. Returns the path of a
// file that could not be read (or changed size while read), else nullopt.
std::optional<std::filesystem::path> load_outputs(Entry& entry, const std::vector<OutputFile>& files);

std::string serialize_entry(const Entry& entry);
// Throws CorruptData on damage and on any value larder would never have stored: an exit
// status other than 0 (or 1 with no outputs: a linter's replayed failure), a malformed base folder, role or hash,
// counts or lengths out of bounds. Output modes come back masked with kAllowedOutputMode.
Entry deserialize_entry(std::string_view blob);

// What an output's mode may keep: the permission bits rustc itself gives its outputs (at most
// rwxr-xr-x); never setuid, setgid, sticky, or writable by group or others.
inline constexpr uint32_t kAllowedOutputMode = 0755;
uint32_t allowed_mode(uint32_t mode);

// The forms base folders are recorded in: a marker "{name}" and an absolute, normal path
// other than "/". Shared with manifests' pinned folders.
bool is_base_marker(std::string_view marker);
bool is_base_path(std::string_view path);

}  // namespace larder::cache
