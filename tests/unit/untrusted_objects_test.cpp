// Every check the decoders make on objects read from storage: each value larder would never
// have stored is refused (CorruptData), each bound holds before anything is allocated.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "cache/entry.hpp"
#include "cache/manifest.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

using namespace larder;
using namespace larder::cache;

namespace {

Entry valid_entry() {
  Entry e;
  e.compile_seconds = 2;
  e.stdout_data = "out";
  e.stderr_data = "err";
  static const std::string rlib = "rlib bytes";
  static const std::string dep = "a.d: src/lib.rs\n";
  e.outputs.push_back({"rlib", 0644, rlib, sha256_hex(rlib)});
  e.outputs.push_back({"dep-info", 0644, dep, sha256_hex(dep)});
  e.base_dirs.emplace_back("{workspace}", "/ws");
  e.base_dirs.emplace_back("{cargo_home}", "/home/u/.cargo");
  return e;
}

std::string message_of(const std::function<void()>& decode) {
  try {
    decode();
  } catch (const CorruptData& error) {
    return error.what();
  }
  return "(accepted)";
}

ManifestResult valid_result() {
  ManifestResult r;
  r.entry_key = sha256_hex("key");
  r.entry_object = sha256_hex("entry");
  r.sources.push_back({"src/lib.rs", sha256_hex("source")});
  r.env_deps.push_back({"CARGO_PKG_VERSION", sha256_hex("1.0.0"), false});
  r.env_deps.push_back({"UNSET_VAR", "", false});
  r.must_be_absent.push_back("src/lib/mod.rs");
  r.pinned_dirs.push_back({"{target}", "/ws/target"});
  return r;
}

Manifest manifest_of(ManifestResult r) {
  Manifest m;
  m.results.push_back(std::move(r));
  return m;
}

// An object header (magic, type, version, payload size) in front of `frame`.
std::string object_with(ObjectType type, uint64_t declared, std::string_view frame) {
  BinaryWriter w;
  w.raw("LRDR");
  w.u8(static_cast<uint8_t>(type));
  w.u8(kFormatVersion);
  w.u64(declared);
  w.raw(frame);
  return std::move(w.buffer());
}

// A zstd frame declaring `content_size`, holding one RLE block of 128 KiB and a checksum:
// well formed up to its claim, which only its size contradicts.
std::string rle_frame(uint64_t content_size) {
  BinaryWriter w;
  w.u32(0xFD2FB528);  // zstd magic
  w.u8(0xE4);         // 8-byte content size, single segment, checksum
  w.u64(content_size);
  const uint32_t block = 1 | (1 << 1) | ((128u << 10) << 3);  // last block, RLE, 128 KiB
  w.u8(block & 0xff);
  w.u8((block >> 8) & 0xff);
  w.u8((block >> 16) & 0xff);
  w.u8('x');
  w.u32(0);  // checksum
  return std::move(w.buffer());
}

}  // namespace

TEST(UntrustedObjects, AValidEntryDecodes) {
  const Entry back = deserialize_entry(serialize_entry(valid_entry()));
  EXPECT_EQ(back.outputs.size(), 2u);
  EXPECT_EQ(back.base_dirs.size(), 2u);
}

TEST(UntrustedObjects, ADeclaredPayloadBeyondWhatTheFrameHoldsIsRefusedBeforeAllocating) {
  // 2 GiB declared by a 35-byte object (the frame and the header agree): one 4-byte block can
  // hold at most 128 KiB, so this is refused from the header alone.
  const std::string frame = rle_frame(2ULL << 30);
  const std::string blob = object_with(ObjectType::Entry, 2ULL << 30, frame);
  EXPECT_LT(blob.size(), 40u);
  EXPECT_NE(message_of([&] { decode_object(ObjectType::Entry, blob); }).find("frame can hold"), std::string::npos);
  // Past the hard cap: refused before the frame is looked at.
  EXPECT_NE(message_of([&] {
              decode_object(ObjectType::Entry, object_with(ObjectType::Entry, 16ULL << 30, rle_frame(16ULL << 30)));
            }).find("out of range"),
            std::string::npos);
}

TEST(UntrustedObjects, TheFrameBoundAdmitsEveryRealFrame) {
  // Highly compressible payloads come closest to the bound: they still decode.
  for (const size_t size : {size_t{0}, size_t{1}, size_t{1} << 17, size_t{5} << 20}) {
    const std::string payload(size, 'z');
    EXPECT_EQ(decode_object(ObjectType::Manifest, encode_object(ObjectType::Manifest, payload)).view(), payload)
        << size;
  }
}

TEST(UntrustedObjects, AnExitStatusOtherThanZeroOrOneIsDamage) {
  for (const int status : {2, 101, -1}) {
    Entry e = valid_entry();
    e.exit_code = status;
    EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(e)); }).find("exit status"), std::string::npos)
        << status;
  }
}

// A linter's replayed failure restores nothing: status 1 with outputs was never stored.
TEST(UntrustedObjects, AFailedCompilesEntryHoldsNoOutputs) {
  Entry e = valid_entry();
  e.exit_code = 1;
  EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(e)); }).find("with outputs"), std::string::npos);
  Entry failure;
  failure.exit_code = 1;
  failure.stderr_data = "error: this lint is denied";
  const Entry back = deserialize_entry(serialize_entry(failure));
  EXPECT_EQ(back.exit_code, 1);
  EXPECT_EQ(back.stderr_data, failure.stderr_data);
  EXPECT_TRUE(back.outputs.empty());
}

TEST(UntrustedObjects, ModesAreMaskedToWhatRustcCreates) {
  Entry e = valid_entry();
  e.outputs[0].mode = 06777;
  e.outputs[1].mode = 01666;
  const Entry back = deserialize_entry(serialize_entry(e));
  EXPECT_EQ(back.outputs[0].mode, 0755u);
  EXPECT_EQ(back.outputs[1].mode, 0644u);
  EXPECT_EQ(allowed_mode(0100775), 0755u);
}

TEST(UntrustedObjects, MalformedBaseFoldersAreDamage) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"{workspace}", ""},          // matches everywhere: relocating with it never ended
      {"{workspace}", "ws"},        // relative
      {"{workspace}", "/ws/"},      // trailing slash
      {"{workspace}", "/ws//a"},    // empty component
      {"{workspace}", "/ws/../a"},  // not normal
      {"{workspace}", std::string("/w\0s", 4)},
      {"", "/ws"},
      {"workspace", "/ws"},
      {"{Work space}", "/ws"},
  };
  for (const auto& [marker, path] : bad) {
    Entry e = valid_entry();
    e.base_dirs = {{marker, path}};
    EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(e)); }).find("base folder"), std::string::npos)
        << marker << " " << path;
  }
  Entry twice = valid_entry();
  twice.base_dirs = {{"{workspace}", "/a"}, {"{workspace}", "/b"}};
  EXPECT_THROW(deserialize_entry(serialize_entry(twice)), CorruptData);
  Entry root = valid_entry();
  root.base_dirs = {{"{workspace}", "/"}};
  EXPECT_NO_THROW(deserialize_entry(serialize_entry(root)));
}

TEST(UntrustedObjects, TooManyBaseFoldersOrOutputsAreDamage) {
  Entry dirs = valid_entry();
  dirs.base_dirs.clear();
  for (int i = 0; i < 65; ++i) dirs.base_dirs.emplace_back("{base" + std::to_string(i) + "}", "/b" + std::to_string(i));
  EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(dirs)); }).find("count"), std::string::npos);
  Entry outputs = valid_entry();
  outputs.outputs.clear();
  static const std::string bytes = "x";
  for (int i = 0; i < 65; ++i) outputs.outputs.push_back({"r" + std::to_string(i), 0644, bytes, sha256_hex(bytes)});
  EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(outputs)); }).find("count"), std::string::npos);
}

TEST(UntrustedObjects, MalformedOrRepeatedRolesAreDamage) {
  for (const std::string& role : std::vector<std::string>{"", "RLIB", "../rlib", std::string(33, 'r')}) {
    Entry e = valid_entry();
    e.outputs[0].role = role;
    EXPECT_THROW(deserialize_entry(serialize_entry(e)), CorruptData) << role;
  }
  Entry twice = valid_entry();
  twice.outputs[1].role = "rlib";
  EXPECT_NE(message_of([&] { deserialize_entry(serialize_entry(twice)); }).find("twice"), std::string::npos);
}

TEST(UntrustedObjects, OutputHashesMustBeSha256Hex) {
  for (const std::string& hash : {std::string(64, 'A'), std::string(63, 'a'), std::string(65, 'a'), std::string()}) {
    Entry e = valid_entry();
    e.outputs[0].hash = hash;
    EXPECT_THROW(deserialize_entry(serialize_entry(e)), CorruptData) << hash;
  }
}

TEST(UntrustedObjects, AnAbsurdCompileTimeIsDamage) {
  Entry e = valid_entry();
  e.compile_seconds = 30.0 * 86400;
  EXPECT_THROW(deserialize_entry(serialize_entry(e)), CorruptData);
}

TEST(UntrustedObjects, AValidManifestDecodes) {
  const Manifest back = deserialize_manifest(serialize_manifest(manifest_of(valid_result())));
  ASSERT_EQ(back.results.size(), 1u);
  EXPECT_EQ(back.results[0].entry_object, sha256_hex("entry"));
  EXPECT_EQ(back.results[0].env_deps[1].value_hash, "");
}

TEST(UntrustedObjects, MoreManifestResultsThanEverKeptAreDamage) {
  Manifest m;
  for (size_t i = 0; i <= kMaxManifestResults; ++i) m.results.push_back(valid_result());
  EXPECT_NE(message_of([&] { deserialize_manifest(serialize_manifest(m)); }).find("count"), std::string::npos);
}

TEST(UntrustedObjects, MalformedManifestFieldsAreDamage) {
  std::vector<std::pair<std::string, std::function<void(ManifestResult&)>>> cases = {
      {"entry key", [](ManifestResult& r) { r.entry_key = "key"; }},
      {"entry object", [](ManifestResult& r) { r.entry_object = ""; }},
      {"source hash", [](ManifestResult& r) { r.sources[0].hash = "h"; }},
      {"empty source path", [](ManifestResult& r) { r.sources[0].path = ""; }},
      {"NUL in a source path", [](ManifestResult& r) { r.sources[0].path = std::string("src/a\0b", 7); }},
      {"long source path", [](ManifestResult& r) { r.sources[0].path = std::string(5000, 'a'); }},
      {"empty variable name", [](ManifestResult& r) { r.env_deps[0].name = ""; }},
      {"= in a variable name", [](ManifestResult& r) { r.env_deps[0].name = "A=B"; }},
      {"value hash", [](ManifestResult& r) { r.env_deps[0].value_hash = "abc"; }},
      {"empty absent path", [](ManifestResult& r) { r.must_be_absent[0] = ""; }},
      {"empty pinned path", [](ManifestResult& r) { r.pinned_dirs[0].path = ""; }},
      {"pinned marker", [](ManifestResult& r) { r.pinned_dirs[0].marker = "target"; }},
  };
  for (const auto& [what, damage] : cases) {
    ManifestResult r = valid_result();
    damage(r);
    EXPECT_THROW(deserialize_manifest(serialize_manifest(manifest_of(r))), CorruptData) << what;
  }
}

TEST(UntrustedObjects, ACountBeyondItsBoundIsRefusedBeforeReadingItems) {
  // A payload claiming 2^32-1 sources in a few bytes: refused by the bound, not by running out.
  BinaryWriter w;
  w.u32(1);
  w.bytes(sha256_hex("key"));
  w.bytes(sha256_hex("entry"));
  w.u32(0xffffffff);
  EXPECT_NE(message_of([&] { deserialize_manifest(encode_object(ObjectType::Manifest, w.buffer())); }).find("count"),
            std::string::npos);
}

TEST(UntrustedObjects, AFlagOtherThanZeroOrOneIsDamage) {
  Manifest m = manifest_of(valid_result());
  std::string payload = std::string(decode_object(ObjectType::Manifest, serialize_manifest(m)).view());
  // The first variable's flag follows its name and value hash.
  const size_t at = payload.find(sha256_hex("1.0.0")) + 64;
  ASSERT_EQ(payload[at], 0);
  payload[at] = 2;
  EXPECT_THROW(deserialize_manifest(encode_object(ObjectType::Manifest, payload)), CorruptData);
}

TEST(UntrustedObjects, MergingKeepsEveryBuildsResultNewestFirst) {
  auto result = [](const std::string& name) {
    ManifestResult r = valid_result();
    r.entry_key = sha256_hex(name);
    return r;
  };
  Manifest stored;
  for (const char* name : {"b", "c"}) stored.results.push_back(result(name));
  Manifest mine;
  mine.results.push_back(result("a"));
  mine.results.push_back(result("c"));  // also mine: kept once, in my place
  merge_results(mine, stored);
  ASSERT_EQ(mine.results.size(), 3u);
  EXPECT_EQ(mine.results[0].entry_key, sha256_hex("a"));
  EXPECT_EQ(mine.results[1].entry_key, sha256_hex("c"));
  EXPECT_EQ(mine.results[2].entry_key, sha256_hex("b"));
  Manifest many;
  for (int i = 0; i < 20; ++i) many.results.push_back(result("old" + std::to_string(i)));
  merge_results(mine, many);
  EXPECT_EQ(mine.results.size(), kMaxManifestResults);
  EXPECT_EQ(mine.results[0].entry_key, sha256_hex("a"));
}
