#include "cache/file_hasher.hpp"

#include <sys/stat.h>

#include <algorithm>

#include "util/files.hpp"
#include "util/hash.hpp"

namespace larder::cache {

namespace {

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
  // A FIFO, socket or device is never read (it may never end): a changed input.
  if (!stamp || !S_ISREG(stamp->mode)) return std::nullopt;
  if (auto digest = memo_.find(path, *stamp)) return digest;
  auto digest = sha256_file(path);
  if (digest && old_enough_to_memoize(*stamp)) memo_.store(path, *stamp, *digest);
  return digest;
}

// No timestamp-tick wait here: the writer is done (larder itself, or rustc after it exited),
// so no write can follow within the tick and leave the stamp unchanged.
void FileHasher::remember(const std::filesystem::path& path, const std::string& digest) {
  if (const auto stamp = stat_file(path)) memo_.store(path, *stamp, digest);
}

}  // namespace larder::cache
