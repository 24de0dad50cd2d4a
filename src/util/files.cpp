#include "util/files.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace larder {

namespace {

FileStamp stamp_from(const struct stat& st) {
  FileStamp stamp;
  stamp.device = st.st_dev;
  stamp.inode = st.st_ino;
  stamp.size = static_cast<uint64_t>(st.st_size);
  stamp.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  stamp.ctime_ns = static_cast<int64_t>(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec;
  stamp.mode = st.st_mode;
  return stamp;
}

std::string errno_message(const char* what, const fs::path& path) {
  return std::string(what) + " " + path.string() + ": " + std::strerror(errno);
}

}  // namespace

int open_regular(const fs::path& path, Symlinks symlinks, int flags) {
  flags |= O_CLOEXEC | O_NONBLOCK | (symlinks == Symlinks::Refuse ? O_NOFOLLOW : 0);
  const int fd = ::open(path.c_str(), flags, 0644);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    errno = EINVAL;
    return -1;
  }
  // Reads of a regular file never block; O_NONBLOCK only guarded the open and is dropped.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  return fd;
}

std::optional<FileStamp> stat_file(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_from(st);
}

std::optional<FileStamp> lstat_file(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return std::nullopt;
  return stamp_from(st);
}

namespace {

std::optional<std::string> read_open_file(int fd, uint64_t max_size) {
  // Straight into the string, sized from fstat (cache objects run to tens of MB: no second
  // copy); a file that grew meanwhile is read on to its end.
  std::string data;
  struct stat st {};
  const uint64_t size = ::fstat(fd, &st) == 0 && st.st_size > 0 ? static_cast<uint64_t>(st.st_size) : 0;
  if (size > max_size) {
    ::close(fd);
    errno = EFBIG;
    return std::nullopt;
  }
  data.resize(static_cast<size_t>(size));
  size_t filled = 0;
  char more[1 << 14];
  while (true) {
    if (filled > max_size) {
      ::close(fd);
      errno = EFBIG;
      return std::nullopt;
    }
    const bool full = filled == data.size();
    const ssize_t n = full ? ::read(fd, more, sizeof more) : ::read(fd, data.data() + filled, data.size() - filled);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    if (full) data.append(more, static_cast<size_t>(n));
    filled += static_cast<size_t>(n);
  }
  ::close(fd);
  data.resize(filled);
  return data;
}

}  // namespace

std::optional<std::string> read_file(const fs::path& path) {
  const int fd = open_regular(path, Symlinks::Follow);
  if (fd < 0) return std::nullopt;
  return read_open_file(fd, UINT64_MAX);
}

std::optional<std::string> read_regular_file(const fs::path& path, uint64_t max_size, Symlinks symlinks) {
  const int fd = open_regular(path, symlinks);
  if (fd < 0) return std::nullopt;
  return read_open_file(fd, max_size);
}

bool read_file_exactly(const fs::path& path, char* into, size_t size) {
  const int fd = open_regular(path, Symlinks::Follow);
  if (fd < 0) return false;
  char probe;  // past the expected end: expect the end of the file
  const bool ok = read_at(fd, into, size, 0) == size && read_at(fd, &probe, 1, size) == 0;
  ::close(fd);
  return ok;
}

size_t read_at(int fd, char* into, size_t size, uint64_t offset) {
  size_t filled = 0;
  while (filled < size) {
    const ssize_t n = ::pread(fd, into + filled, size - filled, static_cast<off_t>(offset + filled));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    filled += static_cast<size_t>(n);
  }
  return filled;
}

std::string read_file_part(const fs::path& path, uint64_t offset, size_t size) {
  const int fd = open_regular(path, Symlinks::Follow);
  if (fd < 0) return {};
  std::string part(size, '\0');
  part.resize(read_at(fd, part.data(), size, offset));
  ::close(fd);
  return part;
}

bool read_in_chunks(const fs::path& path, const std::function<bool(std::string_view)>& consume) {
  const int fd = open_regular(path, Symlinks::Follow);
  if (fd < 0) return false;
  std::array<char, 1 << 16> buffer;
  bool ok = true;
  while (ok) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = n == 0;
      break;
    }
    ok = consume(std::string_view(buffer.data(), static_cast<size_t>(n)));
  }
  ::close(fd);
  return ok;
}

bool file_holds_exactly(const fs::path& path, std::string_view bytes) {
  size_t matched = 0;
  const bool same = read_in_chunks(path, [&](std::string_view chunk) {
    if (chunk != bytes.substr(matched, chunk.size())) return false;
    matched += chunk.size();
    return true;
  });
  return same && matched == bytes.size();
}

fs::path temp_path_for(const fs::path& path) {
  static std::atomic<unsigned> counter{0};
  const auto tick = std::chrono::steady_clock::now().time_since_epoch().count();
  return path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++) + "." +
         std::to_string(tick % 1000000);
}

fs::path resolve_path(const std::string& path, const fs::path& cwd) {
  fs::path p(path);
  return p.is_relative() ? cwd / p : p;
}

namespace {

// Writes all of `data` to `fd` and gives it `mode`.
Expected<void> write_all(int fd, std::string_view data, mode_t mode, const fs::path& shown) {
  size_t written = 0;
  while (written < data.size()) {
    const ssize_t n = ::write(fd, data.data() + written, data.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return unexpected(errno_message("cannot write", shown));
    }
    written += static_cast<size_t>(n);
  }
  // The umask may have narrowed the mode; outputs must keep the mode they were stored with.
  ::fchmod(fd, mode);
  return {};
}

// Gives the unnamed file `fd` the name `temp`: without privileges only through /proc.
bool link_unnamed(int fd, const fs::path& temp) {
  if (::linkat(fd, "", AT_FDCWD, temp.c_str(), AT_EMPTY_PATH) == 0) return true;
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  return ::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, temp.c_str(), AT_SYMLINK_FOLLOW) == 0;
}

// The O_TMPFILE way: the data is written while the file has no name, which it gets (a temp
// name, then `path`) only once complete. nullopt when the file system cannot do this (the
// caller then writes a named temp file), else the outcome.
std::optional<Expected<void>> write_unnamed(const fs::path& path, std::string_view data, mode_t mode) {
#ifdef O_TMPFILE
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0) return std::nullopt;
  if (auto written = write_all(fd, data, mode, path); !written) {
    ::close(fd);
    return written;
  }
  const fs::path temp = temp_path_for(path);
  const bool linked = link_unnamed(fd, temp);
  ::close(fd);
  if (!linked) return std::nullopt;
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto message = errno_message("cannot rename into", path);
    ::unlink(temp.c_str());
    return Expected<void>(unexpected(std::move(message)));
  }
  return Expected<void>();
#else
  return std::nullopt;
#endif
}

}  // namespace

Expected<void> write_file_atomic(const fs::path& path, std::string_view data, mode_t mode) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (auto outcome = write_unnamed(path, data, mode)) return *outcome;
  const fs::path temp = temp_path_for(path);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return unexpected(errno_message("cannot create", temp));
  if (auto written = write_all(fd, data, mode, temp); !written) {
    ::close(fd);
    ::unlink(temp.c_str());
    return written;
  }
  if (::close(fd) != 0) {
    auto message = errno_message("cannot close", temp);
    ::unlink(temp.c_str());
    return unexpected(std::move(message));
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    auto message = errno_message("cannot rename into", path);
    ::unlink(temp.c_str());
    return unexpected(std::move(message));
  }
  return {};
}

Expected<void> replace_output_file(const fs::path& path, std::string_view data, mode_t mode) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return unexpected(errno_message("cannot replace", path));
  return write_file_atomic(path, data, mode);
}

void remove_stale_temps(const fs::path& dir, int64_t max_age_seconds) {
  std::error_code ec;
  const int64_t now = now_ns();
  for (const auto& item : fs::directory_iterator(dir, ec)) {
    // Exactly temp_path_for's form: "<name>.tmp.<pid>.<n>.<tick>".
    const std::string name = item.path().filename().string();
    const size_t at = name.rfind(".tmp.");
    if (at == std::string::npos) continue;
    const std::string tail = name.substr(at + 5);
    if (tail.find_first_not_of("0123456789.") != std::string::npos || std::count(tail.begin(), tail.end(), '.') != 2 ||
        tail.find("..") != std::string::npos || tail.front() == '.' || tail.back() == '.') {
      continue;
    }
    const long pid = std::strtol(tail.c_str(), nullptr, 10);
    const auto stamp = lstat_file(item.path());
    if (pid <= 0 || !stamp || !S_ISREG(stamp->mode)) continue;
    const bool writer_gone = ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
    const bool too_old = now - stamp->mtime_ns > max_age_seconds * 1000000000LL;
    if (writer_gone || too_old) ::unlink(item.path().c_str());
  }
}

bool overwrite_file(const fs::path& path, std::string_view data) {
  // Never through a symlink, never blocking on a FIFO: such a thing in the record's place (a
  // restored archive of LARDER_DIR may hold anything) is replaced by a regular file.
  constexpr int kFlags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
  int fd = ::open(path.c_str(), kFlags, 0644);
  if (fd < 0 && errno == ENOENT) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    fd = ::open(path.c_str(), kFlags, 0644);
  }
  struct stat found {};
  if (fd >= 0 && (::fstat(fd, &found) != 0 || !S_ISREG(found.st_mode))) {
    ::close(fd);
    fd = -1;
    errno = ELOOP;
  }
  if (fd < 0 && (errno == ELOOP || errno == ENXIO) && ::unlink(path.c_str()) == 0)
    fd = ::open(path.c_str(), kFlags, 0644);
  if (fd < 0) return false;
  bool ok = ::pwrite(fd, data.data(), data.size(), 0) == static_cast<ssize_t>(data.size());
  struct stat st {};
  if (ok && ::fstat(fd, &st) == 0 && static_cast<uint64_t>(st.st_size) > data.size()) {
    ok = ::ftruncate(fd, static_cast<off_t>(data.size())) == 0;
  }
  return ::close(fd) == 0 && ok;
}

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace larder
