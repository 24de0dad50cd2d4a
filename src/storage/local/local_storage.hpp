#pragma once
// The embedded default backend: one file per object under LARDER_DIR/cache/<a>/<b>/, written
// atomically. The size limit is enforced per shard (the first hex digit), evicting the least
// recently used objects: hits refresh an object's mtime.
#include <cstdint>
#include <filesystem>

#include "storage/storage.hpp"

namespace larder::storage {

struct LocalUsage {
  uint64_t files = 0;
  uint64_t bytes = 0;
};

class LocalStorage : public Storage {
 public:
  LocalStorage(std::filesystem::path root, uint64_t max_bytes);

  std::string kind() const override { return "local"; }
  std::string location() const override { return root_.string(); }
  GetResult get(const std::string& name) override;
  OpResult put(const std::string& name, std::string_view blob) override;
  OpResult remove(const std::string& name) override;

  // Evicts least recently used objects until every shard is within its share of the limit.
  LocalUsage trim();
  void clear();
  LocalUsage usage() const;

 private:
  std::filesystem::path object_path(const std::string& name) const;
  std::filesystem::path shard_dir(char shard) const;
  // Brings one shard under `target` bytes; returns its remaining usage.
  LocalUsage trim_shard(char shard, uint64_t target);

  std::filesystem::path root_;
  uint64_t max_bytes_;
};

}  // namespace larder::storage
