#pragma once
// The embedded default backend: one file per object under LARDER_DIR/cache/<a>/<b>/, written
// atomically. An object's mtime is its last use: reads set it (object_file.hpp). The size limit
// is enforced per shard (the first hex digit), evicting the least recently used objects, and
// `larder cache trim --unused-since` removes what a job did not use.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "storage/storage.hpp"

namespace larder::storage {

struct LocalUsage {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

struct TrimReport {
  LocalUsage removed;
  LocalUsage kept;
};

struct TrimPolicy {
  uint64_t max_bytes = 0;  // for the shard
  // Also remove every object not read or written since then (Unix time in nanoseconds).
  std::optional<int64_t> unused_since_ns;
};

class LocalStorage : public Storage {
 public:
  LocalStorage(std::filesystem::path root, uint64_t max_bytes);

  std::string kind() const override { return "local"; }
  std::string location() const override { return root_.string(); }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;

  // Removes the objects unused since the given time, if any, then evicts least recently used
  // objects until every shard is within its share of the limit.
  TrimReport trim(std::optional<int64_t> unused_since_ns = std::nullopt);
  void clear();
  LocalUsage usage() const;
  // Whether the object is here (a regular file under its name); nothing is read.
  bool contains(const std::string& name) const;
  // The names of the objects read or written since then (Unix time in nanoseconds): what a
  // job used, for the index `larder cache push` writes.
  std::vector<std::string> used_since(int64_t since_ns) const;

 private:
  std::filesystem::path object_path(const std::string& name) const;
  std::filesystem::path shard_dir(char shard) const;
  TrimReport trim_shard(char shard, const TrimPolicy& policy);

  std::filesystem::path root_;
  uint64_t max_bytes_;
};

}  // namespace larder::storage
