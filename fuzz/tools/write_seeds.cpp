// Writes the seed corpus of the cache-object fuzz targets with larder's own encoders, so that
// the fuzzers start from valid objects of the current format:
//   build/fuzz/fuzz/larder_fuzz_seeds fuzz/corpus
// Run it again (and commit the files) when the object format changes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "cache/entry.hpp"
#include "cache/manifest.hpp"
#include "cache/manifest_bundle.hpp"
#include "cache/object_checks.hpp"
#include "cache/object_codec.hpp"
#include "cache/prefetch_index.hpp"
#include "util/hash.hpp"

using namespace larder;
using namespace larder::cache;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& folder, const std::string& name, const std::string& bytes) {
  fs::create_directories(folder);
  std::ofstream(folder / name, std::ios::binary | std::ios::trunc) << bytes;
}

// A one-member ar archive, as rustc writes an rlib around the crate's metadata.
std::string ar_archive(const std::string& member_name, const std::string& data) {
  char header[61];
  std::snprintf(header, sizeof header, "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", member_name.c_str(), "0", "0", "0", "644",
                data.size());
  return "!<arch>\n" + std::string(header, 60) + data;
}

StoredOutput output(std::string role, uint32_t mode, std::string_view data) {
  return {std::move(role), mode, data, sha256_hex(data), std::nullopt, 0};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s CORPUS_FOLDER (fuzz/corpus)\n", argv[0]);
    return 2;
  }
  const fs::path corpus = argv[1];

  // Entries: the smallest one, one with diagnostics, base folders and outputs, and one whose
  // .rmeta lies inside its rlib (stored once).
  Entry empty;
  write(corpus / "entry", "empty", serialize_entry(empty));

  Entry library;
  library.compile_seconds = 0.5;
  library.stdout_data = "";
  library.stderr_data = "{\"$message_type\":\"diagnostic\",\"message\":\"unused variable\",\"rendered\":\"warning\"}\n";
  library.base_dirs = {{"{workspace}", "/home/ci/project"}, {"{cargo-home}", "/home/ci/.cargo"}};
  const std::string dep_info =
      "{workspace}/target/debug/deps/demo-1a2b.d: {workspace}/src/lib.rs\n\n{workspace}/src/lib.rs:\n";
  const std::string binary(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0binary",
      22);
  library.outputs = {output("dep-info", 0644, dep_info), output("link", 0755, binary)};
  write(corpus / "entry", "library", serialize_entry(library));

  Entry rlib;
  const std::string metadata("rust\0\0\0\x08metadata-bytes-here!", 28);
  const std::string archive = ar_archive("lib.rmeta/", metadata);
  const size_t at = archive.size() - metadata.size();
  rlib.outputs = {output("rlib", 0644, archive), output("rmeta", 0644, std::string_view(archive).substr(at))};
  rlib.outputs[1].inside = 0;
  rlib.outputs[1].offset = at;
  write(corpus / "entry", "rlib-with-rmeta", serialize_entry(rlib));

  // Manifests: empty, and two results with sources, variables, absent paths and pinned folders.
  write(corpus / "manifest", "empty", serialize_manifest({}));
  Manifest manifest;
  ManifestResult first;
  first.entry_key = sha256_hex("entry one");
  first.sources = {{"src/lib.rs", sha256_hex("fn main() {}")}, {"{cargo-home}/registry/src/a/lib.rs", sha256_hex("a")}};
  first.env_deps = {{"CARGO_PKG_VERSION", sha256_hex("0.1.0"), false},
                    {"OUT_DIR", sha256_hex("{workspace}/target"), true},
                    {"UNSET_VAR", "", false}};
  first.must_be_absent = {"src/lib/mod.rs"};
  first.pinned_dirs = {{"{workspace}", "/home/ci/project"}};
  ManifestResult second;
  second.entry_key = sha256_hex("entry two");
  second.sources = {{"src/lib.rs", sha256_hex("fn main() { }")}};
  manifest.results = {first, second};
  write(corpus / "manifest", "two-results", serialize_manifest(manifest));

  // A remote's manifest object: plain, and carrying its newest result's entry, under the call
  // key fuzz/manifest_object.cpp names.
  const std::string call_key = sha256_hex("fuzz call key");
  const std::string carried = serialize_entry(library);
  ManifestResult carrying = first;
  carrying.entry_object = sha256_hex(carried);
  carrying.entry_key = entry_key_of(call_key, carrying);
  Manifest remote;
  remote.results = {carrying};
  write(corpus / "manifest_object", "plain", serialize_manifest(remote));
  write(corpus / "manifest_object", "bundle", remote_manifest_object(serialize_manifest(remote), carried));

  write(corpus / "prefetch_index", "empty", serialize_index({}));
  write(corpus / "prefetch_index", "two-objects",
        serialize_index({std::string(64, 'a') + ".entry", std::string(64, 'b') + ".manifest"}));
  // The container alone, around payloads that are not entries or manifests.
  write(corpus / "object_codec", "entry-empty-payload", encode_object(ObjectType::Entry, ""));
  write(corpus / "object_codec", "manifest-text", encode_object(ObjectType::Manifest, "payload bytes payload bytes"));
  write(corpus / "object_codec", "entry-library", serialize_entry(library));
  return 0;
}
