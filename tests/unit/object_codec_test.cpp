#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <filesystem>
#include <fstream>

#include "cache/entry.hpp"
#include "cache/manifest.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

using namespace larder;
using namespace larder::cache;

namespace {
Entry sample_entry() {
  Entry e;
  e.exit_code = 0;
  e.compile_seconds = 1.25;
  e.stdout_data = "out";
  e.stderr_data = "{\"$message_type\":\"diagnostic\"}\n";
  static const std::string rlib("\0rlib bytes\xff", 12);  // outputs view their bytes
  e.outputs.push_back({"rlib", 0644, rlib, sha256_hex(rlib)});
  e.outputs.push_back({"dep-info", 0600, "a.d: src/lib.rs\n", sha256_hex("a.d: src/lib.rs\n")});
  e.base_dirs.emplace_back("{workspace}", "/ws");
  return e;
}
}  // namespace

TEST(EntryFormat, RoundTrips) {
  const Entry e = sample_entry();
  const Entry back = deserialize_entry(serialize_entry(e));
  EXPECT_EQ(back.compile_seconds, 1.25);
  EXPECT_EQ(back.stdout_data, e.stdout_data);
  EXPECT_EQ(back.stderr_data, e.stderr_data);
  ASSERT_EQ(back.outputs.size(), 2u);
  EXPECT_EQ(back.outputs[0].data, e.outputs[0].data);
  EXPECT_EQ(back.outputs[0].hash, sha256_hex(e.outputs[0].data));
  EXPECT_EQ(back.outputs[1].mode, 0600u);
  EXPECT_EQ(back.base_dirs, e.base_dirs);
}

TEST(EntryFormat, OutputsLoadedFromFilesAreStoredInPlace) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("larder-entry-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string rlib(3 << 20, '\0');  // past 1 MiB: the payload's own mapping
  for (size_t i = 0; i < rlib.size(); ++i) rlib[i] = static_cast<char>(i * 7 / 5);
  std::ofstream(dir / "liba.rlib", std::ios::binary) << rlib;
  std::ofstream(dir / "a.d", std::ios::binary) << "a.d: src/lib.rs\n";
  std::filesystem::permissions(dir / "liba.rlib", std::filesystem::perms(0644));
  std::filesystem::permissions(dir / "a.d", std::filesystem::perms(0600));
  Entry e = sample_entry();
  e.outputs.clear();
  ASSERT_EQ(load_outputs(e, {{"rlib", dir / "liba.rlib"}, {"dep-info", dir / "a.d"}}), std::nullopt);
  ASSERT_EQ(e.outputs.size(), 2u);
  EXPECT_EQ(e.outputs[0].data, rlib);
  EXPECT_EQ(e.outputs[0].hash, sha256_hex(rlib));
  const Entry back = deserialize_entry(serialize_entry(e));
  ASSERT_EQ(back.outputs.size(), 2u);
  EXPECT_EQ(back.outputs[0].data, rlib);
  EXPECT_EQ(back.outputs[1].data, "a.d: src/lib.rs\n");
  EXPECT_EQ(back.outputs[1].mode, 0600u);
  EXPECT_EQ(back.stderr_data, e.stderr_data);
  EXPECT_EQ(back.base_dirs, e.base_dirs);
  // The same bytes as an entry whose outputs live elsewhere.
  Entry copied = sample_entry();
  copied.outputs = {{"rlib", 0644, rlib, sha256_hex(rlib)}, {"dep-info", 0600, "a.d: src/lib.rs\n", e.outputs[1].hash}};
  EXPECT_EQ(serialize_entry(copied), serialize_entry(e));
  Entry missing;
  EXPECT_EQ(load_outputs(missing, {{"rlib", dir / "gone.rlib"}}), dir / "gone.rlib");
  std::filesystem::remove_all(dir);
}

TEST(EntryFormat, EveryTruncationAndEveryFlippedByteIsDetected) {
  const std::string blob = serialize_entry(sample_entry());
  for (size_t size = 0; size < blob.size(); ++size) {
    EXPECT_THROW(deserialize_entry(blob.substr(0, size)), CorruptData) << "truncated to " << size;
  }
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string damaged = blob;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
    EXPECT_ANY_THROW(deserialize_entry(damaged)) << "byte " << i;
  }
}

TEST(EntryFormat, AnOutputHashThatIsNoSha256IsDamage) {
  Entry e = sample_entry();
  e.outputs[0].hash = "not a digest";
  EXPECT_THROW(deserialize_entry(serialize_entry(e)), CorruptData);
}

TEST(EntryFormat, LargeOutputsRoundTrip) {
  // Past 1 MiB the payload gets a mapping of its own (util/byte_buffer).
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 5);
  Entry e = sample_entry();
  e.outputs[0].data = big;
  const Entry back = deserialize_entry(serialize_entry(e));
  ASSERT_EQ(back.outputs.size(), 2u);
  EXPECT_TRUE(back.outputs[0].data == big);
  EXPECT_EQ(back.outputs[1].data, "a.d: src/lib.rs\n");
}

TEST(ObjectFormat, AFrameWithoutItsChecksumIsRejected) {
  // The same header, but a frame made without a checksum: it would decompress unverified.
  const std::string payload = "payload bytes";
  const std::string good = encode_object(ObjectType::Manifest, payload);
  const size_t header = 4 + 1 + 1 + 8;
  std::string frame(ZSTD_compressBound(payload.size()), '\0');
  frame.resize(ZSTD_compress(frame.data(), frame.size(), payload.data(), payload.size(), 1));
  EXPECT_EQ(decode_object(ObjectType::Manifest, good).view(), payload);
  EXPECT_THROW(decode_object(ObjectType::Manifest, good.substr(0, header) + frame), CorruptData);
}

TEST(EntryFormat, ManifestIsNotAnEntry) {
  Manifest m;
  EXPECT_THROW(deserialize_entry(serialize_manifest(m)), CorruptData);
}

TEST(ManifestFormat, RoundTripsAndKeepsNewestResultsFirst) {
  Manifest m;
  for (int i = 0; i < 10; ++i) {
    ManifestResult r;
    r.entry_key = "key" + std::to_string(i);
    r.sources.push_back({"src/lib.rs", "h" + std::to_string(i)});
    r.env_deps.push_back({"VAR", "", false});
    r.must_be_absent.push_back("src/lib/mod.rs");
    r.pinned_dirs.push_back({"{workspace}", "/ws"});
    add_result(m, r);
  }
  ManifestResult again;
  again.entry_key = "key5";
  add_result(m, again);
  const Manifest back = deserialize_manifest(serialize_manifest(m));
  ASSERT_EQ(back.results.size(), kMaxManifestResults);
  EXPECT_EQ(back.results[0].entry_key, "key5");
  EXPECT_EQ(back.results[1].entry_key, "key9");
  EXPECT_EQ(back.results[1].sources[0].hash, "h9");
  EXPECT_EQ(back.results[1].pinned_dirs[0].path, "/ws");
  for (const auto& r : back.results) EXPECT_NE(r.entry_key, "key0");
}
