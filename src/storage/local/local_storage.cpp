#include "storage/local/local_storage.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "util/file_lock.hpp"
#include "util/files.hpp"

namespace larder::storage {

namespace fs = std::filesystem;

namespace {

constexpr const char* kShardChars = "0123456789abcdef";
constexpr int kShardCount = 16;

bool valid_name(const std::string& name) {
  if (name.size() < 3 || name.find('/') != std::string::npos || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.begin() + 2, [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

LocalUsage read_usage(const fs::path& path) {
  LocalUsage usage;
  if (auto text = read_file(path)) {
    unsigned long long files = 0, bytes = 0;
    if (std::sscanf(text->c_str(), "%llu %llu", &files, &bytes) == 2) usage = {files, bytes};
  }
  return usage;
}

// Rewritten in place: callers hold the shard's lock, and a new file per put would cost more
// than the put.
void write_usage(const fs::path& path, const LocalUsage& usage) {
  (void)overwrite_file(path, std::to_string(usage.files) + " " + std::to_string(usage.bytes) + "\n");
}

}  // namespace

LocalStorage::LocalStorage(fs::path root, uint64_t max_bytes)
    : root_(std::move(root)), max_bytes_(max_bytes) {}

fs::path LocalStorage::shard_dir(char shard) const { return root_ / "cache" / std::string(1, shard); }

fs::path LocalStorage::object_path(const std::string& name) const {
  return shard_dir(name[0]) / std::string(1, name[1]) / name;
}

GetResult LocalStorage::get(const std::string& name) {
  if (!valid_name(name)) return GetResult::failure("invalid object name");
  const fs::path path = object_path(name);
  auto data = read_file(path);
  if (!data) {
    if (errno == ENOENT || errno == ENOTDIR) return GetResult::not_found();
    return GetResult::failure("cannot read " + path.string() + ": " + std::strerror(errno));
  }
  touch_file(path);
  return GetResult::found(std::move(*data));
}

OpResult LocalStorage::put(const std::string& name, std::string_view blob) {
  if (!valid_name(name)) return OpResult::failure("invalid object name");
  const fs::path path = object_path(name);
  const auto previous = stat_file(path);
  if (auto error = write_file_atomic(path, blob)) return OpResult::failure(*error);
  const char shard = name[0];
  const uint64_t shard_limit = max_bytes_ / kShardCount;
  LocalUsage usage;
  {
    FileLock lock(shard_dir(shard) / "lock");
    usage = read_usage(shard_dir(shard) / "usage");
    usage.bytes += blob.size();
    usage.files += 1;
    if (previous) {
      usage.bytes -= std::min<uint64_t>(usage.bytes, previous->size);
      usage.files -= std::min<uint64_t>(usage.files, 1);
    }
    write_usage(shard_dir(shard) / "usage", usage);
  }
  if (usage.bytes > shard_limit) trim_shard(shard, shard_limit * 8 / 10);
  return OpResult::success();
}

OpResult LocalStorage::remove(const std::string& name) {
  if (!valid_name(name)) return OpResult::failure("invalid object name");
  std::error_code ec;
  fs::remove(object_path(name), ec);
  if (ec) return OpResult::failure(ec.message());
  return OpResult::success();
}

LocalUsage LocalStorage::trim_shard(char shard, uint64_t target) {
  FileLock lock(shard_dir(shard) / "lock");
  struct Object {
    fs::path path;
    uint64_t size;
    int64_t mtime;
  };
  std::vector<Object> objects;
  LocalUsage usage;
  std::error_code ec;
  const int64_t stale_temp = now_ns() - 3600LL * 1000000000;
  for (const auto& item : fs::recursive_directory_iterator(shard_dir(shard), ec)) {
    if (!item.is_regular_file(ec)) continue;
    const std::string name = item.path().filename().string();
    if (name == "lock" || name == "usage") continue;
    auto stamp = stat_file(item.path());
    if (!stamp) continue;
    // Temp files of crashed writers are removed once they are clearly abandoned.
    if (name.find(".tmp.") != std::string::npos) {
      if (stamp->mtime_ns < stale_temp) fs::remove(item.path(), ec);
      continue;
    }
    objects.push_back({item.path(), stamp->size, stamp->mtime_ns});
    usage.bytes += stamp->size;
    usage.files += 1;
  }
  std::sort(objects.begin(), objects.end(), [](const Object& a, const Object& b) { return a.mtime < b.mtime; });
  for (const auto& object : objects) {
    if (usage.bytes <= target) break;
    if (fs::remove(object.path, ec)) {
      usage.bytes -= object.size;
      usage.files -= 1;
    }
  }
  write_usage(shard_dir(shard) / "usage", usage);
  return usage;
}

LocalUsage LocalStorage::trim() {
  LocalUsage total;
  for (int i = 0; i < kShardCount; ++i) {
    auto usage = trim_shard(kShardChars[i], max_bytes_ / kShardCount);
    total.files += usage.files;
    total.bytes += usage.bytes;
  }
  return total;
}

void LocalStorage::clear() {
  for (int i = 0; i < kShardCount; ++i) trim_shard(kShardChars[i], 0);
}

LocalUsage LocalStorage::usage() const {
  LocalUsage total;
  for (int i = 0; i < kShardCount; ++i) {
    auto usage = read_usage(shard_dir(kShardChars[i]) / "usage");
    total.files += usage.files;
    total.bytes += usage.bytes;
  }
  return total;
}

}  // namespace larder::storage
