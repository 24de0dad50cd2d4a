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

}  // namespace

std::optional<std::string> FileHasher::hash(const std::filesystem::path& path) {
  const auto stamp = stat_file(path);
  if (!stamp) return std::nullopt;
  const std::string path_hash = sha256_hex(path.string());
  const auto memo_path = memo_dir_ / path_hash.substr(0, 2) / path_hash;
  const std::string prefix = stamp_text(*stamp);
  if (auto memo = read_file(memo_path); memo && memo->size() == prefix.size() + 64 &&
                                        memo->compare(0, prefix.size(), prefix) == 0) {
    return memo->substr(prefix.size());
  }
  auto digest = sha256_file(path);
  if (!digest) return std::nullopt;
  if (old_enough_to_memoize(*stamp)) {
    // A failed memo write only costs a re-hash later.
    (void)write_file_atomic(memo_path, prefix + *digest);
  }
  return digest;
}

}  // namespace larder::cache
