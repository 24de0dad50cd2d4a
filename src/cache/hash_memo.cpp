#include "cache/hash_memo.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

#include "util/hash.hpp"

namespace larder::cache {

namespace {

// 128 bytes, so a record never straddles a page and the table is a plain array of them.
struct Record {
  char path_id[8];  // hex prefix of SHA-256(path): tells records of other paths apart
  uint64_t device;
  uint64_t inode;
  uint64_t size;
  int64_t mtime_ns;
  int64_t ctime_ns;
  char digest[64];  // SHA-256 of the contents, hex
  char check[16];   // hex prefix of SHA-256 over the fields above and the format's name
};
static_assert(sizeof(Record) == 128);

constexpr size_t kWays = 4;           // records per bucket
constexpr size_t kBuckets = 1 << 14;  // 64Ki records, 8 MiB (sparse until used)
constexpr off_t kFileSize = static_cast<off_t>(kBuckets * kWays * sizeof(Record));
constexpr size_t kCheckedBytes = offsetof(Record, check);

std::string check_of(const Record& r) {
  // The format's name is hashed too, so a table of another layout reads as empty.
  return sha256_hex(std::string("larder file-hash memo 1\n") +
                    std::string(reinterpret_cast<const char*>(&r), kCheckedBytes))
      .substr(0, sizeof r.check);
}

bool valid(const Record& r) { return check_of(r).compare(0, sizeof r.check, r.check, sizeof r.check) == 0; }

bool same_stamp(const Record& r, const FileStamp& s) {
  return r.device == s.device && r.inode == s.inode && r.size == s.size && r.mtime_ns == s.mtime_ns &&
         r.ctime_ns == s.ctime_ns;
}

struct Slot {
  std::string path_id;
  off_t bucket_offset;
};

Slot slot_of(const std::filesystem::path& path) {
  const std::string hash = sha256_hex(path.string());
  const size_t bucket = std::stoul(hash.substr(sizeof(Record::path_id), 8), nullptr, 16) % kBuckets;
  return {hash.substr(0, sizeof(Record::path_id)), static_cast<off_t>(bucket * kWays * sizeof(Record))};
}

bool same_path(const Record& r, const std::string& path_id) {
  return path_id.compare(0, sizeof r.path_id, r.path_id, sizeof r.path_id) == 0;
}

}  // namespace

HashMemo::~HashMemo() {
  if (fd_ >= 0) ::close(fd_);
}

bool HashMemo::open() {
  if (fd_ >= 0) return true;
  if (open_failed_) return false;
  std::error_code ec;
  std::filesystem::create_directories(file_.parent_path(), ec);
  // Not through a symlink, and a regular file only: the table is written to, and a FIFO or
  // device put in its place must neither block nor receive it.
  fd_ = open_regular(file_, Symlinks::Refuse, O_RDWR | O_CREAT);
  struct stat st {};
  // Every process grows a new table to its full size; growing it twice is harmless.
  if (fd_ >= 0 && ::fstat(fd_, &st) == 0 && st.st_size < kFileSize && ::ftruncate(fd_, kFileSize) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
  open_failed_ = fd_ < 0;  // no memo then: every file is read and hashed
  return fd_ >= 0;
}

std::optional<std::string> HashMemo::find(const std::filesystem::path& path, const FileStamp& stamp) {
  if (!open()) return std::nullopt;
  const Slot slot = slot_of(path);
  Record bucket[kWays];
  if (::pread(fd_, bucket, sizeof bucket, slot.bucket_offset) != static_cast<ssize_t>(sizeof bucket))
    return std::nullopt;
  for (const Record& r : bucket) {
    if (same_path(r, slot.path_id) && same_stamp(r, stamp) && valid(r)) return std::string(r.digest, sizeof r.digest);
  }
  return std::nullopt;
}

void HashMemo::store(const std::filesystem::path& path, const FileStamp& stamp, const std::string& hex_digest) {
  if (hex_digest.size() != sizeof(Record::digest) || !open()) return;
  const Slot slot = slot_of(path);
  Record bucket[kWays];
  if (::pread(fd_, bucket, sizeof bucket, slot.bucket_offset) != static_cast<ssize_t>(sizeof bucket)) return;
  // The path's own record if it has one, else a free or damaged one, else one by chance.
  size_t way = kWays;
  for (size_t i = 0; i < kWays && way == kWays; ++i) {
    if (same_path(bucket[i], slot.path_id)) way = i;
  }
  for (size_t i = 0; i < kWays && way == kWays; ++i) {
    if (!valid(bucket[i])) way = i;
  }
  if (way == kWays) way = static_cast<size_t>(stamp.inode ^ static_cast<uint64_t>(stamp.mtime_ns)) % kWays;

  Record record{};
  std::memcpy(record.path_id, slot.path_id.data(), sizeof record.path_id);
  record.device = stamp.device;
  record.inode = stamp.inode;
  record.size = stamp.size;
  record.mtime_ns = stamp.mtime_ns;
  record.ctime_ns = stamp.ctime_ns;
  std::memcpy(record.digest, hex_digest.data(), sizeof record.digest);
  std::memcpy(record.check, check_of(record).data(), sizeof record.check);
  (void)::pwrite(fd_, &record, sizeof record, slot.bucket_offset + static_cast<off_t>(way * sizeof record));
}

}  // namespace larder::cache
