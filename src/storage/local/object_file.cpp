#include "storage/local/object_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/files.hpp"

namespace larder::storage {

namespace fs = std::filesystem;

namespace {

// Closes the descriptor (and so drops its flock) on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Never follows a symlink, never blocks on a FIFO or a device.
int open_object(const fs::path& path) { return ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC); }

int64_t mtime_ns(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

std::string not_an_object(const fs::path& path, const char* what) {
  return path.string() + " is " + what + ", not a cache object";
}

}  // namespace

ObjectRead read_object_file(const fs::path& path) {
  Descriptor fd(open_object(path));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return ObjectAbsent::Missing;
    if (errno == ELOOP) return ObjectReadError{not_an_object(path, "a symlink"), true};
    return ObjectReadError{"cannot read " + path.string() + ": " + std::strerror(errno)};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ObjectReadError{"cannot stat " + path.string() + ": " + std::strerror(errno)};
  if (!S_ISREG(st.st_mode)) return ObjectReadError{not_an_object(path, "a device, FIFO, socket or folder"), true};
  if (static_cast<uint64_t>(st.st_size) > kMaxObjectBytes)
    return ObjectReadError{path.string() + " is larger than any cache object", true};
  // A pruner holds the exclusive lock only while it unlinks, never while waiting on anything.
  while (::flock(fd.get(), LOCK_SH) != 0) {
    if (errno != EINTR) return ObjectReadError{"cannot lock " + path.string() + ": " + std::strerror(errno)};
  }
  if (::fstat(fd.get(), &st) != 0 || st.st_nlink == 0) return ObjectAbsent::Missing;  // pruned meanwhile
  ::futimens(fd.get(), nullptr);  // last used: now (through the descriptor, so never a symlink's target)
  std::string data(static_cast<size_t>(st.st_size), '\0');
  char probe;  // past the expected end: expect the end of the file
  if (read_at(fd.get(), data.data(), data.size(), 0) != data.size() || read_at(fd.get(), &probe, 1, data.size()) != 0) {
    return ObjectReadError{path.string() + " changed or could not be read to its end"};
  }
  return data;
}

PruneOutcome prune_object_file(const fs::path& path, int64_t since_ns, int64_t until_ns) {
  std::error_code ec;
  Descriptor fd(open_object(path));
  struct stat st {};
  if (fd.get() < 0) {
    if (errno == ENOENT) return PruneOutcome::Gone;
    if (errno != ELOOP) return PruneOutcome::Failed;
    return ::unlink(path.c_str()) == 0 ? PruneOutcome::Removed : PruneOutcome::Failed;  // the link, not its target
  }
  if (::fstat(fd.get(), &st) != 0) return PruneOutcome::Failed;
  if (!S_ISREG(st.st_mode)) {
    // remove_all does not follow symlinks inside a folder either.
    return fs::remove_all(path, ec) > 0 && !ec ? PruneOutcome::Removed : PruneOutcome::Failed;
  }
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0)
    return errno == EWOULDBLOCK ? PruneOutcome::InUse : PruneOutcome::Failed;
  if (::fstat(fd.get(), &st) != 0) return PruneOutcome::Failed;
  if (st.st_nlink == 0) return PruneOutcome::Gone;
  if (const int64_t used = mtime_ns(st); used >= since_ns && used <= until_ns) return PruneOutcome::UsedSince;
  // The path must still name the file locked here (callers hold the shard lock, so no put
  // can rename another object over it; this is the belt to those braces).
  struct stat now {};
  if (::lstat(path.c_str(), &now) != 0 || now.st_ino != st.st_ino || now.st_dev != st.st_dev) return PruneOutcome::Gone;
  return ::unlink(path.c_str()) == 0 ? PruneOutcome::Removed : PruneOutcome::Failed;
}

}  // namespace larder::storage
