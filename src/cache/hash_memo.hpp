#pragma once
// The file-hash memo: one fixed-size table file mapping (path, stamp) to a content hash.
// One file for all records, not one per memoized path: a build memoizes thousands of paths,
// and creating an inode costs up to a millisecond on a busy ext4 (more than hashing the file).
// Records are written in place with one pwrite each; a record torn by a racing writer fails
// its check and reads as absent, so no lock is needed.
#include <filesystem>
#include <optional>
#include <string>

#include "util/files.hpp"

namespace larder::cache {

class HashMemo {
 public:
  explicit HashMemo(std::filesystem::path file) : file_(std::move(file)) {}
  ~HashMemo();
  HashMemo(const HashMemo&) = delete;
  HashMemo& operator=(const HashMemo&) = delete;

  // The SHA-256 (hex) recorded for `path` with exactly this stamp, if any.
  std::optional<std::string> find(const std::filesystem::path& path, const FileStamp& stamp);
  // Records `hex_digest` for `path` at `stamp`, replacing the path's older record or, when
  // its bucket is full, another path's (the memo is a cache: a lost record costs a re-hash).
  void store(const std::filesystem::path& path, const FileStamp& stamp, const std::string& hex_digest);

 private:
  bool open();

  std::filesystem::path file_;
  int fd_ = -1;
  bool open_failed_ = false;
};

}  // namespace larder::cache
