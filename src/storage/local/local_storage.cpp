#include "storage/local/local_storage.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "storage/local/object_file.hpp"
#include "util/file_lock.hpp"
#include "util/files.hpp"

namespace larder::storage {

namespace fs = std::filesystem;

namespace {

constexpr const char* kShardChars = "0123456789abcdef";
constexpr int kShardCount = 16;
constexpr int64_t kStaleTempNs = 3600LL * 1000000000;

bool valid_name(const std::string& name) {
  if (name.size() < 3 || name.find('/') != std::string::npos || name.find("..") != std::string::npos) return false;
  return std::all_of(name.begin(), name.begin() + 2,
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

bool is_bookkeeping(const std::string& file_name) { return file_name == "lock" || file_name == "usage"; }

// The usage record is read and rewritten in place under the shard's lock (a new file per put
// would cost more than the put). Like every file of a folder a CI cache may have restored, it
// is opened without following a symlink or waiting on a FIFO: anything odd reads as unknown.
LocalUsage read_usage(const fs::path& path) {
  LocalUsage usage;
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return usage;
  struct stat st {};
  char text[64] = {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    read_at(fd, text, sizeof text - 1, 0);
    unsigned long long files = 0, bytes = 0;
    if (std::sscanf(text, "%llu %llu", &files, &bytes) == 2) usage = {files, bytes};
  }
  ::close(fd);
  return usage;
}

void write_usage(const fs::path& path, const LocalUsage& usage) {
  const std::string text = std::to_string(usage.files) + " " + std::to_string(usage.bytes) + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) {
    std::error_code ec;
    fs::remove(path, ec);  // a symlink or a FIFO in its place: the next write makes a real one
    return;
  }
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
      ::pwrite(fd, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) {
    (void)::ftruncate(fd, static_cast<off_t>(text.size()));
  }
  ::close(fd);
}

// A real folder at `dir`: a symlink or a file there (a damaged or hostile archive) is removed
// first, so that no write lands outside LARDER_DIR.
bool ensure_real_dir(const fs::path& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return true;
    std::error_code ec;
    fs::remove(dir, ec);
  }
  std::error_code ec;
  fs::create_directory(dir, ec);
  return ::lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

LocalStorage::LocalStorage(fs::path root, uint64_t max_bytes) : root_(std::move(root)), max_bytes_(max_bytes) {}

fs::path LocalStorage::shard_dir(char shard) const { return root_ / "cache" / std::string(1, shard); }

fs::path LocalStorage::object_path(const std::string& name) const {
  return shard_dir(name[0]) / std::string(1, name[1]) / name;
}

GetResult LocalStorage::get(const std::string& name) {
  if (!valid_name(name)) return GetResult::failure("invalid object name");
  auto read = read_object_file(object_path(name));
  if (auto* data = std::get_if<std::string>(&read)) return GetResult::found(std::move(*data));
  if (std::holds_alternative<ObjectAbsent>(read)) return GetResult::not_found();
  const auto& error = std::get<ObjectReadError>(read);
  if (error.damage) remove(name);
  return GetResult::failure(error.message);
}

OpResult LocalStorage::put(const std::string& name, std::string_view blob) {
  if (!valid_name(name)) return OpResult::failure("invalid object name");
  const fs::path path = object_path(name);
  const char shard = name[0];
  std::error_code ec;
  fs::create_directories(root_ / "cache", ec);
  if (!ensure_real_dir(shard_dir(shard)) || !ensure_real_dir(path.parent_path())) {
    return OpResult::failure("cannot create the folder " + path.parent_path().string());
  }
  // The bytes are written outside the lock; only the rename and the usage update are inside,
  // so the usage stays exact and a pruner never unlinks an object renamed in meanwhile.
  const fs::path temp = temp_path_for(path);
  if (!overwrite_file(temp, blob)) {
    const std::string error = "cannot write " + temp.string() + ": " + std::strerror(errno);
    fs::remove(temp, ec);
    return OpResult::failure(error);
  }
  const uint64_t shard_limit = max_bytes_ / kShardCount;
  LocalUsage usage;
  {
    FileLock lock(shard_dir(shard) / "lock");
    const auto previous = lstat_file(path);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
      const std::string error = "cannot rename into " + path.string() + ": " + std::strerror(errno);
      fs::remove(temp, ec);
      return OpResult::failure(error);
    }
    usage = read_usage(shard_dir(shard) / "usage");
    usage.bytes += blob.size();
    usage.files += 1;
    if (previous) {
      usage.bytes -= std::min<uint64_t>(usage.bytes, previous->size);
      usage.files -= std::min<uint64_t>(usage.files, 1);
    }
    write_usage(shard_dir(shard) / "usage", usage);
  }
  if (usage.bytes > shard_limit) trim_shard(shard, {shard_limit * 8 / 10, std::nullopt});
  return OpResult::success();
}

OpResult LocalStorage::remove(const std::string& name) {
  if (!valid_name(name)) return OpResult::failure("invalid object name");
  const fs::path path = object_path(name);
  FileLock lock(shard_dir(name[0]) / "lock");
  const auto previous = lstat_file(path);
  if (!previous) return OpResult::success();
  std::error_code ec;
  fs::remove_all(path, ec);  // a folder in an object's place too; never follows a symlink
  if (ec) return OpResult::failure(ec.message());
  auto usage = read_usage(shard_dir(name[0]) / "usage");
  usage.bytes -= std::min<uint64_t>(usage.bytes, previous->size);
  usage.files -= std::min<uint64_t>(usage.files, 1);
  write_usage(shard_dir(name[0]) / "usage", usage);
  return OpResult::success();
}

TrimReport LocalStorage::trim_shard(char shard, const TrimPolicy& policy) {
  TrimReport report;
  const fs::path dir = shard_dir(shard);
  if (!fs::is_directory(fs::symlink_status(dir))) return report;
  FileLock lock(dir / "lock");
  struct Object {
    fs::path path;
    uint64_t size;
    int64_t mtime;
  };
  std::vector<Object> objects;
  std::error_code ec;
  const int64_t now = now_ns();
  // Anything where objects live that is not one (a symlink, FIFO, device or stray folder left
  // by a damaged or hostile archive) is removed; nothing here is ever followed.
  auto remove_damage = [&](const fs::path& path) {
    if (prune_object_file(path, 0, -1) == PruneOutcome::Removed) report.removed.files++;
  };
  // Objects lie at <shard>/<second digit>/<name>.
  for (const auto& sub : fs::directory_iterator(dir, ec)) {
    const std::string sub_name = sub.path().filename().string();
    if (is_bookkeeping(sub_name)) continue;
    if (sub_name.size() != 1 || !std::isxdigit(static_cast<unsigned char>(sub_name[0])) || !sub.is_directory(ec) ||
        sub.is_symlink(ec)) {
      remove_damage(sub.path());
      continue;
    }
    for (const auto& item : fs::directory_iterator(sub.path(), ec)) {
      const std::string name = item.path().filename().string();
      const auto stamp = lstat_file(item.path());
      if (!stamp) continue;
      if (!S_ISREG(stamp->mode) || !valid_name(name) || name[0] != shard || name[1] != sub_name[0]) {
        remove_damage(item.path());
        continue;
      }
      if (name.find(".tmp.") != std::string::npos) {
        // Temp files of writers that died are removed once clearly abandoned.
        if (stamp->mtime_ns < now - kStaleTempNs) fs::remove(item.path(), ec);
        continue;
      }
      objects.push_back({item.path(), stamp->size, stamp->mtime_ns});
    }
  }
  std::vector<Object> kept;
  for (const auto& object : objects) {
    if (policy.unused_since_ns) {
      const auto outcome = prune_object_file(object.path, *policy.unused_since_ns, now);
      if (outcome == PruneOutcome::Removed) {
        report.removed.files++;
        report.removed.bytes += object.size;
        continue;
      }
      if (outcome == PruneOutcome::Gone) continue;
    }
    kept.push_back(object);
  }
  // Then the size limit: least recently used first.
  std::sort(kept.begin(), kept.end(), [](const Object& a, const Object& b) { return a.mtime < b.mtime; });
  uint64_t total = 0;
  for (const auto& object : kept) total += object.size;
  for (const auto& object : kept) {
    if (total > policy.max_bytes && fs::remove(object.path, ec)) {
      total -= object.size;
      report.removed.files++;
      report.removed.bytes += object.size;
      continue;
    }
    report.kept.files++;
    report.kept.bytes += object.size;
  }
  write_usage(shard_dir(shard) / "usage", report.kept);
  return report;
}

TrimReport LocalStorage::trim(std::optional<int64_t> unused_since_ns) {
  TrimReport total;
  for (int i = 0; i < kShardCount; ++i) {
    const auto report = trim_shard(kShardChars[i], {max_bytes_ / kShardCount, unused_since_ns});
    total.removed.files += report.removed.files;
    total.removed.bytes += report.removed.bytes;
    total.kept.files += report.kept.files;
    total.kept.bytes += report.kept.bytes;
  }
  return total;
}

void LocalStorage::clear() {
  for (int i = 0; i < kShardCount; ++i) trim_shard(kShardChars[i], {0, std::nullopt});
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

bool LocalStorage::contains(const std::string& name) const {
  if (!valid_name(name)) return false;
  const auto stamp = lstat_file(object_path(name));
  return stamp && S_ISREG(stamp->mode);
}

std::vector<std::string> LocalStorage::used_since(int64_t since_ns) const {
  std::vector<std::string> names;
  std::error_code ec;
  for (int i = 0; i < kShardCount; ++i) {
    const fs::path dir = shard_dir(kShardChars[i]);
    if (!fs::is_directory(fs::symlink_status(dir))) continue;
    for (const auto& sub : fs::directory_iterator(dir, ec)) {
      if (sub.is_symlink(ec) || !sub.is_directory(ec)) continue;
      for (const auto& item : fs::directory_iterator(sub.path(), ec)) {
        const std::string name = item.path().filename().string();
        if (!valid_name(name) || name.find(".tmp.") != std::string::npos) continue;
        const auto stamp = lstat_file(item.path());
        if (stamp && S_ISREG(stamp->mode) && stamp->mtime_ns >= since_ns) names.push_back(name);
      }
    }
  }
  return names;
}

}  // namespace larder::storage
