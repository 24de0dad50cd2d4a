#pragma once
// Content hashes of input files, memoized on disk by (path, device, inode, size, mtime, ctime)
// so that a build reads each unchanged input at most once.
#include <filesystem>
#include <optional>
#include <string>

#include "cache/hash_memo.hpp"

namespace larder::cache {

class FileHasher {
 public:
  explicit FileHasher(std::filesystem::path memo_file) : memo_(std::move(memo_file)) {}

  // SHA-256 of the file's contents, or nullopt when it cannot be read or is not a regular file
  // (a symlink to one is followed; util/files.hpp reads without blocking).
  std::optional<std::string> hash(const std::filesystem::path& path);
  // Records the hash of a file whose bytes larder itself just wrote (a restored output) or
  // read after its writer exited (rustc's output): the crates that take it as an --extern or
  // a link input then skip reading it, which is most of a warm build's hashing.
  void remember(const std::filesystem::path& path, const std::string& digest);

 private:
  HashMemo memo_;
};

}  // namespace larder::cache
