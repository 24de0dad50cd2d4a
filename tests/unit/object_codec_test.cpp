#include <gtest/gtest.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cache/entry.hpp"
#include "cache/manifest.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/files.hpp"
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
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("larder-entry-test-" + std::to_string(::getpid()));
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

namespace {
struct ArchiveOutputs {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("larder-entry-ar-test-" + std::to_string(::getpid()));
  std::string rmeta, rlib;
  ArchiveOutputs() {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "members");
    rmeta = std::string(300001, '\0');
    for (size_t i = 0; i < rmeta.size(); ++i) rmeta[i] = static_cast<char>((i * 2654435761u) >> 11);
    // As rustc does: the member is an object file whose data section holds the .rmeta.
    std::ofstream(dir / "members" / "lib.rmeta", std::ios::binary)
        << std::string(96, 'h') << rmeta << std::string(301, 't');
    std::ofstream(dir / "members" / "crate.o", std::ios::binary) << std::string(5000, 'o');
    const std::string command = "cd '" + (dir / "members").string() + "' && ar qc ../liba.rlib lib.rmeta crate.o";
    if (std::system(command.c_str()) != 0) throw std::runtime_error(command + " failed");
    rlib = read_file(dir / "liba.rlib").value();
  }
  ~ArchiveOutputs() { std::filesystem::remove_all(dir); }
  void write_rmeta(const std::string& bytes) const { std::ofstream(dir / "liba.rmeta", std::ios::binary) << bytes; }
  std::vector<OutputFile> files() const {
    return {{"rmeta", dir / "liba.rmeta"}, {"rlib", dir / "liba.rlib"}, {"dep-info", dir / "a.d"}};
  }
};
}  // namespace

// An rlib holds its crate's .rmeta inside a member: the entry stores those bytes once.
TEST(EntryFormat, AnOutputHeldInsideAnArchiveOutputIsStoredOnce) {
  ArchiveOutputs outputs;
  outputs.write_rmeta(outputs.rmeta);
  std::ofstream(outputs.dir / "a.d", std::ios::binary) << "a.d: src/lib.rs\n";
  Entry e = sample_entry();
  e.outputs.clear();
  ASSERT_EQ(load_outputs(e, outputs.files()), std::nullopt);
  ASSERT_EQ(e.outputs.size(), 3u);
  ASSERT_EQ(e.outputs[0].inside, 1u);
  EXPECT_FALSE(e.outputs[1].inside);
  EXPECT_EQ(e.outputs[0].data, outputs.rmeta);
  EXPECT_EQ(e.outputs[0].hash, sha256_hex(outputs.rmeta));
  const std::string blob = serialize_entry(e);
  EXPECT_LT(decode_object(ObjectType::Entry, blob).view().size(), outputs.rlib.size() + outputs.rmeta.size());
  const Entry back = deserialize_entry(blob);
  ASSERT_EQ(back.outputs.size(), 3u);
  EXPECT_EQ(back.outputs[0].data, outputs.rmeta);
  EXPECT_EQ(back.outputs[0].hash, sha256_hex(outputs.rmeta));
  EXPECT_EQ(back.outputs[1].data, outputs.rlib);
  EXPECT_EQ(back.outputs[2].data, "a.d: src/lib.rs\n");
  // The same bytes as an entry built in memory with the same place.
  Entry copied = sample_entry();
  copied.outputs = {{"rmeta", 0644, outputs.rmeta, sha256_hex(outputs.rmeta), 1u, e.outputs[0].offset},
                    {"rlib", 0644, outputs.rlib, sha256_hex(outputs.rlib)},
                    {"dep-info", 0644, "a.d: src/lib.rs\n", sha256_hex("a.d: src/lib.rs\n")}};
  for (size_t i = 0; i < 3; ++i) copied.outputs[i].mode = e.outputs[i].mode;
  EXPECT_EQ(serialize_entry(copied), blob);
}

// A member that starts like the file but differs later holds no copy: both are stored whole.
TEST(EntryFormat, AnArchiveMemberThatHoldsOtherBytesIsNoCopy) {
  ArchiveOutputs outputs;
  std::string other = outputs.rmeta;
  other[123456] = static_cast<char>(other[123456] ^ 1);
  outputs.write_rmeta(other);
  std::ofstream(outputs.dir / "a.d", std::ios::binary) << "a.d: src/lib.rs\n";
  Entry e;
  ASSERT_EQ(load_outputs(e, outputs.files()), std::nullopt);
  ASSERT_EQ(e.outputs.size(), 3u);
  EXPECT_FALSE(e.outputs[0].inside);
  const Entry back = deserialize_entry(serialize_entry(e));
  EXPECT_EQ(back.outputs[0].data, other);
  EXPECT_EQ(back.outputs[0].hash, sha256_hex(other));
  EXPECT_EQ(back.outputs[1].data, outputs.rlib);
}

TEST(EntryFormat, APlaceOutsideTheHoldingOutputIsDamage) {
  const std::string holder = "0123456789";
  for (const auto& [inside, offset] : std::vector<std::pair<uint32_t, uint64_t>>{{1, 8}, {5, 0}, {0, 0}}) {
    Entry e = sample_entry();
    e.outputs = {{"rmeta", 0644, "abc", sha256_hex("abc"), inside, offset}, {"rlib", 0644, holder, sha256_hex(holder)}};
    EXPECT_THROW(deserialize_entry(serialize_entry(e)), CorruptData) << inside << " " << offset;
  }
  Entry good = sample_entry();
  good.outputs = {{"rmeta", 0644, "345", sha256_hex("345"), 1u, 3}, {"rlib", 0644, holder, sha256_hex(holder)}};
  EXPECT_EQ(deserialize_entry(serialize_entry(good)).outputs[0].data, "345");
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
    r.entry_key = sha256_hex("key" + std::to_string(i));
    r.entry_object = sha256_hex("entry" + std::to_string(i));
    r.sources.push_back({"src/lib.rs", sha256_hex("h" + std::to_string(i))});
    r.env_deps.push_back({"VAR", "", false});
    r.must_be_absent.push_back("src/lib/mod.rs");
    r.pinned_dirs.push_back({"{workspace}", "/ws"});
    add_result(m, r);
  }
  ManifestResult again;
  again.entry_key = sha256_hex("key5");
  again.entry_object = sha256_hex("entry5 again");
  add_result(m, again);
  const Manifest back = deserialize_manifest(serialize_manifest(m));
  ASSERT_EQ(back.results.size(), kMaxManifestResults);
  EXPECT_EQ(back.results[0].entry_key, sha256_hex("key5"));
  EXPECT_EQ(back.results[0].entry_object, sha256_hex("entry5 again"));
  EXPECT_EQ(back.results[1].entry_key, sha256_hex("key9"));
  EXPECT_EQ(back.results[1].sources[0].hash, sha256_hex("h9"));
  EXPECT_EQ(back.results[1].pinned_dirs[0].path, "/ws");
  for (const auto& r : back.results) EXPECT_NE(r.entry_key, sha256_hex("key0"));
}
