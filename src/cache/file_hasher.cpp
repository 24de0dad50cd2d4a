#include "cache/file_hasher.hpp"

#include <cstdio>

#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {

std::string stamp_text(const FileStamp& s) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "%llu %llu %llu %lld %lld ",
                static_cast<unsigned long long>(s.device), static_cast<unsigned long long>(s.inode),
                static_cast<unsigned long long>(s.size), static_cast<long long>(s.mtime_ns),
                static_cast<long long>(s.ctime_ns));
  return buffer;
}

// A file changed again within one timestamp tick of its last change would keep its stamp, so
// only files whose stamp is older than a tick are memoized. Whole-second stamps suggest a
// file system with coarse timestamps.
bool old_enough_to_memoize(const FileStamp& s) {
  const int64_t newest = std::max(s.mtime_ns, s.ctime_ns);
  const bool coarse = s.mtime_ns % 1000000000 == 0;
  const int64_t tick = coarse ? 2000000000LL : 20000000LL;
  return now_ns() - newest > tick;
}

// A memo record: "<stamp> <digest> <check>". Records are rewritten in place, so a reader
// racing a writer may see a mix of two records; the check (over stamp and digest) rejects it.
constexpr size_t kDigestSize = 64;
constexpr size_t kCheckSize = 16;

std::string check_of(std::string_view stamp_and_digest) { return sha256_hex(stamp_and_digest).substr(0, kCheckSize); }

std::string memo_record(const FileStamp& stamp, const std::string& digest) {
  std::string record = stamp_text(stamp) + digest;
  return record + " " + check_of(record);
}

std::optional<std::string> digest_in(std::string_view record, const FileStamp& stamp) {
  const std::string prefix = stamp_text(stamp);
  if (record.size() != prefix.size() + kDigestSize + 1 + kCheckSize || !record.starts_with(prefix)) return std::nullopt;
  const std::string_view signed_part = record.substr(0, prefix.size() + kDigestSize);
  if (check_of(signed_part) != record.substr(signed_part.size() + 1)) return std::nullopt;
  return std::string(record.substr(prefix.size(), kDigestSize));
}

}  // namespace

std::filesystem::path FileHasher::memo_path(const std::filesystem::path& path) const {
  const std::string path_hash = sha256_hex(path.string());
  return memo_dir_ / path_hash.substr(0, 2) / path_hash;
}

std::optional<std::string> FileHasher::hash(const std::filesystem::path& path) {
  const auto stamp = stat_file(path);
  if (!stamp) return std::nullopt;
  const auto memo = memo_path(path);
  if (auto record = read_file(memo)) {
    if (auto digest = digest_in(*record, *stamp)) return digest;
  }
  auto digest = sha256_file(path);
  if (!digest) return std::nullopt;
  if (old_enough_to_memoize(*stamp)) {
    (void)overwrite_file(memo, memo_record(*stamp, *digest));  // a failed write costs a re-hash later
  }
  return digest;
}

// No timestamp-tick wait here: the writer is done (larder itself, or rustc after it exited),
// so no write can follow within the tick and leave the stamp unchanged.
void FileHasher::remember(const std::filesystem::path& path, const std::string& digest) {
  if (const auto stamp = stat_file(path)) (void)overwrite_file(memo_path(path), memo_record(*stamp, digest));
}

}  // namespace larder::cache
