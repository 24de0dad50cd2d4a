#include "cache/manifest_bundle.hpp"

#include "cache/object_codec.hpp"
#include "util/binary_io.hpp"

namespace larder::cache {

namespace {
constexpr std::string_view kBundleMagic = "LRDRB";
}  // namespace

ManifestParts split_manifest_object(std::string_view blob) {
  if (!blob.starts_with(kBundleMagic)) return {blob, {}};
  BinaryReader reader(blob.substr(kBundleMagic.size()));
  if (reader.u8() != kFormatVersion) throw CorruptData("bundle of another format version");
  const uint64_t manifest_size = reader.u64();
  if (manifest_size == 0 || manifest_size >= reader.remaining()) throw CorruptData("bundle sizes do not add up");
  ManifestParts parts;
  parts.manifest = reader.take(static_cast<size_t>(manifest_size));
  parts.carried_entry = reader.take(reader.remaining());
  if (parts.carried_entry.size() > kMaxCarriedEntry) throw CorruptData("a carried entry larger than larder carries");
  return parts;
}

std::string remote_manifest_object(std::string_view manifest, std::string_view entry) {
  if (entry.empty() || entry.size() > kMaxCarriedEntry) return std::string(manifest);
  BinaryWriter writer;
  writer.raw(kBundleMagic);
  writer.u8(kFormatVersion);
  writer.u64(manifest.size());
  writer.raw(manifest);
  writer.raw(entry);
  return std::move(writer.buffer());
}

}  // namespace larder::cache
