// A remote's manifest that carries its newest result's entry (cache/manifest_bundle.hpp): what
// is carried, how it splits, and the checks a carried entry must pass before it is used.
#include <gtest/gtest.h>

#include <string>

#include "cache/entry.hpp"
#include "cache/manifest.hpp"
#include "cache/manifest_bundle.hpp"
#include "cache/object_checks.hpp"
#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"
#include "util/hash.hpp"

using namespace larder;
using namespace larder::cache;

namespace {

const std::string kCallKey = sha256_hex("call");

std::string entry_blob(const std::string& rlib) {
  Entry e;
  e.outputs.push_back({"rlib", 0644, rlib, sha256_hex(rlib)});
  return serialize_entry(e);
}

// A manifest under kCallKey whose newest result names `entry`.
std::string manifest_naming(const std::string& entry) {
  ManifestResult result;
  result.sources.push_back({"src/lib.rs", sha256_hex("source")});
  result.entry_object = sha256_hex(entry);
  result.entry_key = entry_key_of(kCallKey, result);
  Manifest manifest;
  manifest.results.push_back(result);
  return serialize_manifest(manifest);
}

}  // namespace

TEST(ManifestBundle, CarriesSmallEntriesAndSplitsBackWithoutCopying) {
  const std::string entry = entry_blob("rlib bytes");
  const std::string manifest = manifest_naming(entry);
  const std::string bundle = remote_manifest_object(manifest, entry);
  ASSERT_NE(bundle, manifest);
  const auto parts = split_manifest_object(bundle);
  EXPECT_EQ(parts.manifest, manifest);
  EXPECT_EQ(parts.carried_entry, entry);
  EXPECT_GE(parts.manifest.data(), bundle.data());  // views into the bundle
  const auto checked = checked_manifest_object(bundle, kCallKey);
  EXPECT_EQ(checked.carried_entry, entry);
  ASSERT_EQ(checked.manifest.results.size(), 1u);

  const auto local = checked_objects(kCallKey + ".manifest", bundle);
  ASSERT_EQ(local.size(), 2u);
  EXPECT_EQ(local[0].name, kCallKey + ".manifest");
  EXPECT_EQ(local[0].blob, manifest);
  EXPECT_EQ(local[1].name, sha256_hex(entry) + ".entry");
  EXPECT_EQ(local[1].blob, entry);
}

TEST(ManifestBundle, APlainManifestIsAllManifestAndLargeEntriesAreNotCarried) {
  const std::string entry = entry_blob("rlib bytes");
  const std::string manifest = manifest_naming(entry);
  EXPECT_EQ(split_manifest_object(manifest).manifest, manifest);
  EXPECT_TRUE(split_manifest_object(manifest).carried_entry.empty());
  EXPECT_EQ(remote_manifest_object(manifest, ""), manifest);
  EXPECT_EQ(remote_manifest_object(manifest, std::string(kMaxCarriedEntry + 1, 'x')), manifest);
  EXPECT_EQ(checked_objects(kCallKey + ".manifest", manifest).size(), 1u);
}

TEST(ManifestBundle, ACarriedEntryMustBeTheOneTheNewestResultNames) {
  const std::string entry = entry_blob("rlib bytes");
  const std::string other = entry_blob("another crate's rlib");
  const std::string bundle = remote_manifest_object(manifest_naming(entry), other);
  EXPECT_THROW(checked_manifest_object(bundle, kCallKey), CorruptData);
  EXPECT_THROW(checked_objects(kCallKey + ".manifest", bundle), CorruptData);
  // Under another call key the manifest itself is refused.
  EXPECT_THROW(checked_manifest_object(remote_manifest_object(manifest_naming(entry), entry), sha256_hex("other")),
               CorruptData);
}

TEST(ManifestBundle, EveryTruncationAndEveryFlippedByteIsRefusedOrHarmless) {
  const std::string entry = entry_blob("rlib bytes");
  const std::string bundle = remote_manifest_object(manifest_naming(entry), entry);
  for (size_t cut = 0; cut < bundle.size(); ++cut) {
    EXPECT_THROW(checked_objects(kCallKey + ".manifest", bundle.substr(0, cut)), CorruptData) << cut;
  }
  for (size_t at = 0; at < bundle.size(); ++at) {
    std::string damaged = bundle;
    damaged[at] ^= 0x20;
    EXPECT_THROW(checked_objects(kCallKey + ".manifest", damaged), CorruptData) << at;
  }
}

TEST(ManifestBundle, SizesThatDoNotAddUpAreRefused) {
  const std::string entry = entry_blob("rlib bytes");
  const std::string manifest = manifest_naming(entry);
  BinaryWriter w;
  w.raw("LRDRB");
  w.u8(kFormatVersion);
  w.u64(1ULL << 40);
  w.raw(manifest);
  w.raw(entry);
  EXPECT_THROW(split_manifest_object(w.buffer()), CorruptData);
  EXPECT_THROW(split_manifest_object("LRDRB"), CorruptData);
}
